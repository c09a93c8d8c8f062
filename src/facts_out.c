/*
 * --explain-route's path facts as text lines and JSON members: the MTU,
 * the neighbour, and the return path (src/rpath_out.c writes its parts).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rtping/explain.h"
#include "rtping/facts.h"
#include "rtping/json.h"
#include "rtping/rpath_out.h"

static void text_mtu(FILE *out, const struct rt_route_mtu *m)
{
	if (!m->mtu) {
		fputs("mtu          none set by the route (the device's applies)\n", out);
		return;
	}
	fprintf(out, "mtu          %u", m->mtu);
	if (m->locked)
		fputs(" (locked)", out);
	if (m->expires_s >= 0)
		fprintf(out, " (learned: expires in %lld s)", (long long)m->expires_s);
	fputc('\n', out);
}

static void text_neigh(FILE *out, const struct rt_facts *f)
{
	char a[RT_ADDRSTRLEN], s[64];

	fprintf(out, "neighbour    %s: ", rt_addr_str(&f->neigh.addr, a, sizeof(a)));
	if (f->neigh_err == -ENOENT)
		fputs("no entry (nothing sent to it yet)\n", out);
	else if (f->neigh_err)
		fprintf(out, "unknown: %s\n", strerror(-f->neigh_err));
	else
		fprintf(out, "%s\n", rt_neigh_state_name(f->neigh.state, s, sizeof(s)));
}

void rt_facts_text(FILE *out, const struct rt_explain *ex, const struct rt_facts *f)
{
	if (!f || ex->fallback || ex->route_err)
		return;
	text_mtu(out, &ex->route.mtu);
	if (f->neigh_asked)
		text_neigh(out, f);
	if (f->rpath_asked && f->rpath_err)
		fprintf(out, "return       unknown: %s\n", strerror(-f->rpath_err));
	else if (f->rpath_asked)
		rt_rpath_text(out, &f->rpath);
}

static void json_neigh(FILE *out, const struct rt_facts *f)
{
	char a[RT_ADDRSTRLEN], s[64];

	fputs(", \"neighbour\": ", out);
	if (!f->neigh_asked || (f->neigh_err && f->neigh_err != -ENOENT)) {
		fputs("null", out);
		return;
	}
	rt_json_kstr(out, "{", "address", rt_addr_str(&f->neigh.addr, a, sizeof(a)));
	fprintf(out, ", \"ifindex\": %u", f->neigh.ifindex);
	rt_json_kstr(out, ", ", "state", f->neigh_err ? NULL :
		     rt_neigh_state_name(f->neigh.state, s, sizeof(s)));
	fputc('}', out);
}

void rt_facts_json(FILE *out, const struct rt_facts *f)
{
	if (!f) {
		fputs(", \"return_path\": null, \"neighbour\": null", out);
		return;
	}
	fputs(", \"return_path\": ", out);
	rt_rpath_json(out, f->rpath_asked && !f->rpath_err ? &f->rpath : NULL);
	json_neigh(out, f);
}
