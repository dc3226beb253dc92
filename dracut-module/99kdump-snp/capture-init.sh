#!/bin/sh
# /init of the minimal kdump-snp capture image: kdumpctl does the rest
# (kernel file systems, modules, saving the dump, final_action).
exec /usr/sbin/kdumpctl capture
