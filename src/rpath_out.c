/*
 * The return path as text and JSON: the diagnosis line ping mode says when
 * a run ends with loss, explain's "return" lines, and the "return_path"
 * object both write. Only what the kernel answered is said; the counter
 * is the namespace's, so its rise is "during this run", never "these
 * replies".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "rtping/json.h"
#include "rtping/rpath_out.h"
#include "rtping/textbuf.h"

/* Why d refuses: its rp_filter and the route back, or the kernel's error. */
static void why(char *buf, size_t len, size_t *at, const struct rt_rpath *r,
		const struct rt_rpath_dev *d)
{
	if (d->err == -EINVAL && d->rp_filter > 0 && r->back[0])
		rt_text_put(buf, len, at, "rp_filter=%d, the route back uses %s", d->rp_filter, r->back);
	else if (d->err == -EINVAL && d->rp_filter > 0)
		rt_text_put(buf, len, at, "rp_filter=%d", d->rp_filter);
	else
		rt_text_put(buf, len, at, "%s", strerror(-d->err));
}

void rt_rpath_refusal(const struct rt_rpath *r, const struct rt_rpath_dev *d, char *buf,
		      size_t len)
{
	size_t at = 0;

	if (len)
		buf[0] = '\0';
	why(buf, len, &at, r, d);
}

size_t rt_rpath_say(const struct rt_rpath *r, const char *target, char *buf, size_t len)
{
	size_t at = 0, nacc = 0, nrej = 0;

	if (!len)
		return 0;
	buf[0] = '\0';
	if (!rt_rpath_news(r))
		return 0;
	if (r->have_drops && r->drops)
		rt_text_put(buf, len, &at, "%" PRIu64 " packet%s dropped by reverse-path filtering during "
		    "this run: ", r->drops, r->drops == 1 ? "" : "s");
	else
		rt_text_put(buf, len, &at, "reverse-path filtering: ");
	rt_text_put(buf, len, &at, "a reply from %s is accepted on ", target);
	for (size_t i = 0; i < r->n; i++)
		if (!r->d[i].err)
			rt_text_put(buf, len, &at, "%s%s", nacc++ ? ", " : "", r->d[i].dev);
	if (!nacc)
		rt_text_put(buf, len, &at, "no device");
	for (size_t i = 0; i < r->n; i++)
		nrej += r->d[i].err != 0;
	if (!nrej)
		rt_text_put(buf, len, &at, "every device asked");
	else if (nacc)
		rt_text_put(buf, len, &at, " only");
	for (size_t i = 0, k = 0; i < r->n; i++) {
		if (!r->d[i].err)
			continue;
		rt_text_put(buf, len, &at, "%s%s: ", k++ ? "; " : " (", r->d[i].dev);
		why(buf, len, &at, r, &r->d[i]);
	}
	if (nrej)
		rt_text_put(buf, len, &at, ")");
	if (r->cut)
		rt_text_put(buf, len, &at, "; only the first %d devices were asked", RT_RPATH_MAX);
	return at;
}

void rt_rpath_text(FILE *out, const struct rt_rpath *r)
{
	char b[256];

	for (size_t i = 0; i < r->n; i++) {
		const struct rt_rpath_dev *d = &r->d[i];
		size_t at = 0;

		if (d->err)
			why(b, sizeof(b), &at, r, d);
		fprintf(out, "return       %s (ifindex %u): %s%s%s\n", d->dev, d->ifindex,
			d->err ? "rejected (" : "accepted", d->err ? b : "", d->err ? ")" : "");
	}
	if (r->cut)
		fprintf(out, "return       only the first %d devices were asked\n", RT_RPATH_MAX);
}

void rt_rpath_json(FILE *out, const struct rt_rpath *r)
{
	if (!r) {
		fputs("null", out);
		return;
	}
	fputs("{\"devices\": [", out);
	for (size_t i = 0; i < r->n; i++) {
		const struct rt_rpath_dev *d = &r->d[i];

		rt_json_kstr(out, i ? ", {" : "{", "device", d->dev);
		fprintf(out, ", \"ifindex\": %u, \"accepted\": %s", d->ifindex,
			d->err ? "false" : "true");
		if (d->rp_filter >= 0)
			fprintf(out, ", \"rp_filter\": %d", d->rp_filter);
		else
			fputs(", \"rp_filter\": null", out);
		rt_json_kstr(out, ", ", "error", d->err ? strerror(-d->err) : NULL);
		fputc('}', out);
	}
	fprintf(out, "], \"devices_cut\": %s", r->cut ? "true" : "false");
	rt_json_kstr(out, ", ", "route_back_device", r->back[0] ? r->back : NULL);
	if (r->have_drops)
		fprintf(out, ", \"rp_filter_drops\": %" PRIu64 "}", r->drops);
	else
		fputs(", \"rp_filter_drops\": null}", out);
}
