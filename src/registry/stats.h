/*
 * stats.h: counts of the registry, in total, by country and by mission.
 */
#ifndef HW_STATS_H
#define HW_STATS_H

/* The `homeward stats` command. */
int cmd_stats(int argc, char **argv);

#endif
