/*
 * The printers' halves, private to src/output*.c: src/output.c picks
 * one, src/output_text.c writes iputils' text, src/output_json.c one
 * JSON object a line.
 */
#ifndef RTPING_OUTPUT_INT_H
#define RTPING_OUTPUT_INT_H

#include "rtping/output.h"

void rt_out_text_header(const struct rt_out *o, const struct rt_out_target *t,
			const char *addr, const char *src, const char *dev, long size,
			size_t ip_hdr_len);
void rt_out_text_event(const struct rt_out *o, const struct rt_event *ev);
void rt_out_text_summary(const struct rt_out *o, const struct rt_out_target *t,
			 const struct rt_stats *st, const struct rt_out_counts *c);

void rt_out_json_header(const struct rt_out *o, const struct rt_out_target *t,
			const char *addr, const char *src, const char *dev, long size,
			int64_t wall_us);
void rt_out_json_event(const struct rt_out *o, const struct rt_event *ev);
void rt_out_json_summary(const struct rt_out *o, const struct rt_out_target *t,
			 const struct rt_stats *st, const struct rt_out_counts *c);
void rt_out_json_failed(const struct rt_out *o, const struct rt_out_target *t,
			const char *error);
void rt_out_json_run_summary(const struct rt_out *o, const struct rt_out_totals *t);

#endif
