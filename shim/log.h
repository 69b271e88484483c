/* log: the shim's one-line messages ("undead: ..."), written to stderr with
 * write(2) from a stack buffer: usable before Go starts and from the cgo
 * context function. */
#ifndef UNDEAD_LOG_H
#define UNDEAD_LOG_H

void ud_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes all of buf to fd, retrying on EINTR and short writes. */
void ud_write_all(int fd, const char *buf, unsigned long len);

#endif
