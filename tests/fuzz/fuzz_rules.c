/*
 * libFuzzer target: an RTM_GETRULE dump buffer through rt_rules_parse(),
 * then every parsed rule through the matcher and the selector printer, and
 * the whole list through the rule walk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "rtping/family.h"
#include "rtping/flow.h"
#include "rtping/rules.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_rules rules = { 0 };
	struct rt_flow f4 = { .fam = &rt_inet, .proto = IPPROTO_ICMP, .dport = 2048,
			      .uid = 1000, .mark = 7, .tos = 0x10 };
	struct rt_flow f6 = { .fam = &rt_inet6, .proto = IPPROTO_ICMPV6, .dport = 32768 };
	char text[512];
	bool *taken;
	void *copy;

	copy = fuzz_copy(data, size);
	if (!copy)
		return 0;
	rt_addr_parse(&f4.dst, AF_INET, "10.99.1.1");
	rt_addr_parse(&f4.src, AF_INET, "10.9.0.12");
	rt_addr_parse(&f6.dst, AF_INET6, "fd00:99::1");
	rt_rules_parse(copy, size, 7, 4242, &rules);
	for (size_t i = 0; i < rules.n; i++) {
		rt_rule_selector(&rules.v[i], text, sizeof(text));
		rt_rule_selector(&rules.v[i], text, 8);     /* a short buffer truncates */
		rt_rule_matches(&rules.v[i], &f4, "");
		rt_rule_matches(&rules.v[i], &f4, "eth0");
		rt_rule_matches(&rules.v[i], &f6, "");
		rt_rule_unknown_names(&rules.v[i], text, 8);
		/* A rule rtping cannot evaluate is never taken as matching. */
		if (rt_rule_unsure(&rules.v[i], &f4, "") && rt_rule_matches(&rules.v[i], &f4, ""))
			abort();
	}
	/* The walk ends on any dump, sorted or not: forged gotos may point backward. */
	taken = calloc(rules.n + 1, sizeof(*taken));
	if (taken) {
		rt_rules_walk(&rules, &f4, "", 0, taken);
		rt_rules_sort(&rules);
		rt_rules_walk(&rules, &f4, "", 254, taken);
		rt_rules_walk(&rules, &f6, "", 0, taken);
		free(taken);
	}
	rt_rules_free(&rules);
	free(copy);
	return 0;
}
