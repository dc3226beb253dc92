#!/bin/sh
# /init of the minimal kdump-snp capture image: kdumpctl does the rest
# (kernel file systems, modules, saving the dump, final_action). The
# config is named: kdumpctl's compiled default depends on ./configure,
# the image always has it at /etc/kdump.conf (module-setup.sh).
exec /usr/sbin/kdumpctl --config=/etc/kdump.conf capture
