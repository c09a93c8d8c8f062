/* placeholder until the engine lands */
#include <errno.h>
#include "rtping/engine.h"
#include "rtping/exitcodes.h"

int rt_engine_open(struct rt_engine **e, const struct rt_opts *o,
		   const struct rt_target *t, const char *prog, const char **what)
{
	*e = NULL;
	*what = "engine";
	return -ENOSYS;
}

int rt_engine_run(struct rt_engine *e, const struct rt_addr *src, const char *dev)
{
	return RT_EXIT_ERROR;
}

void rt_engine_close(struct rt_engine *e)
{
}
