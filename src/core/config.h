/*
 * config.h: the `homeward config` command (config.c), which shows the
 * settings of settings.h.
 */
#ifndef HW_CONFIG_H
#define HW_CONFIG_H

int cmd_config(int argc, char **argv);

#endif
