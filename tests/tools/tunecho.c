/*
 * tunecho IFNAME COPIES SECONDS READYFILE: a fast echo peer on an existing
 * tun device. Every ICMP/ICMPv6 echo request that comes out of the device
 * goes back in as COPIES echo replies (the first an answer, the rest
 * duplicates), for SECONDS at most. The Python hostile peer is too slow for
 * a flood across the 16-bit sequence wrap; this one is not.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>

/* RFC 1624: the checksum after one 16-bit word changes from m to m2. */
static void csum_update(uint8_t *c, uint16_t m, uint16_t m2)
{
	uint32_t s = (uint16_t)~(c[0] << 8 | c[1]);

	s += (uint16_t)~m;
	s += m2;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	s = ~s & 0xffff;
	c[0] = (uint8_t)(s >> 8);
	c[1] = (uint8_t)s;
}

/* Turns an echo request into its reply in place; 0 if p is not one. */
static int make_reply(uint8_t *p, size_t n)
{
	uint8_t tmp[16];
	size_t hl;

	if (n >= 28 && (p[0] >> 4) == 4 && p[9] == 1) {
		hl = (size_t)(p[0] & 15) * 4;
		if (hl < 20 || n < hl + 8 || p[hl] != 8)
			return 0;
		memcpy(tmp, p + 12, 4);           /* swap: the IP sum is unchanged */
		memcpy(p + 12, p + 16, 4);
		memcpy(p + 16, tmp, 4);
		p[hl] = 0;
		csum_update(p + hl + 2, 0x0800, 0x0000);
		return 1;
	}
	if (n >= 48 && (p[0] >> 4) == 6 && p[6] == 58 && p[40] == 128) {
		memcpy(tmp, p + 8, 16);           /* the pseudo-header sum is unchanged */
		memcpy(p + 8, p + 24, 16);
		memcpy(p + 24, tmp, 16);
		p[40] = 129;
		csum_update(p + 42, 0x8000, 0x8100);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	uint8_t buf[65536];
	int fd, copies;
	time_t end;

	if (argc != 5) {
		fprintf(stderr, "usage: tunecho IFNAME COPIES SECONDS READYFILE\n");
		return 2;
	}
	copies = atoi(argv[2]);
	end = time(NULL) + atoi(argv[3]);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[1]);
	fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
		perror("tunecho: tun");
		return 1;
	}
	close(open(argv[4], O_WRONLY | O_CREAT, 0644));
	while (time(NULL) < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, 500) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0 || !make_reply(buf, (size_t)n))
			continue;
		for (int i = 0; i < copies; i++)
			if (write(fd, buf, (size_t)n) < 0 && errno != EAGAIN)
				perror("tunecho: write");
	}
	return 0;
}
