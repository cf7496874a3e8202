/*
 * query.h: `homeward query`, the geo engine on the command line.
 */
#ifndef HW_QUERY_H
#define HW_QUERY_H

int cmd_query(int argc, char **argv);

/* `homeward test-query-brute`: the same options and output, answered by
 * scanning every presence in the database instead of the geo index. */
int cmd_test_query_brute(int argc, char **argv);

#endif
