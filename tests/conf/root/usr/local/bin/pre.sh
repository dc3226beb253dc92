#!/bin/sh
# kdump_pre hook fixture
exit 0
