/* log: the shim's one-line messages ("undead: ..."), written to stderr with
 * write(2) from a stack buffer, formatted by the report formatter (no stdio,
 * no malloc): usable before Go starts, from the trampolines' checks and
 * while a report is being written. */
#ifndef UNDEAD_LOG_H
#define UNDEAD_LOG_H

void ud_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
