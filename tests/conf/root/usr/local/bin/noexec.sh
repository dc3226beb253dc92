#!/bin/sh
# fixture without the executable bit
exit 0
