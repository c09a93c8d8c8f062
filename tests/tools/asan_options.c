/*
 * Linked into the ASan build only (tests/run passes it in c_link_args).
 * Defaults for the sanitizer runtime where ASAN_OPTIONS cannot reach:
 * a process started with ruid != euid, setuid or with file capabilities
 * is not dumpable, so the runtime cannot read /proc/self/environ, and
 * LeakSanitizer cannot attach to it (it would fail every such run with
 * "LeakSanitizer has encountered a fatal error"). ASAN_OPTIONS in the
 * environment still overrides these wherever it can be read.
 */
const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
	return "detect_leaks=0:abort_on_error=1";
}
