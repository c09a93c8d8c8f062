/* Process exit codes: only main() picks one, tests compare against these. */
#ifndef RTPING_EXITCODES_H
#define RTPING_EXITCODES_H

enum rt_exit {
	RT_EXIT_OK = 0,       /* ping: a reply; explain: route found, answers agree */
	RT_EXIT_NOREPLY = 1,  /* ping: no reply / deadline short; explain: answers differ */
	RT_EXIT_ERROR = 2,    /* bad input, unknown host, no route, socket error */
	RT_EXIT_WRITE = 1,    /* ping: stdout or stderr unwritable (iputils' close_stdout) */
	RT_EXIT_BADVALUE = 1, /* ping: a numeric option malformed or out of range (strtol_or_err) */
};

#endif
