/*
 * role.c: the names of roles (role.h). The order of role_names follows the
 * bits of enum role.
 */
#include "core/homeward.h"
#include "auth/role.h"

#include <string.h>

static const char *const role_names[] = {
	"citizen", "officer", "mission-head", "hq", "auditor",
};

unsigned role_from_name(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(role_names); i++)
		if (strcmp(name, role_names[i]) == 0)
			return 1u << i;
	return 0;
}

const char *role_name(unsigned role)
{
	for (size_t i = 0; i < ARRAY_SIZE(role_names); i++)
		if (role == 1u << i)
			return role_names[i];
	return "none";
}
