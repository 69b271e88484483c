/* The undead command's subcommands. Each returns the process exit status:
 * 0 clean, 1 findings, 2 bad usage or bad input (one line on stderr). */
#ifndef UNDEAD_CMD_H
#define UNDEAD_CMD_H

int cmd_maps(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* argv[0] of the undead process, for locating libundead.so. */
extern const char *undead_argv0;

#endif
