/* The undead command's subcommands. Each returns the process exit status
 * (one line on stderr for anything but 0 and 1). */
#ifndef UNDEAD_CMD_H
#define UNDEAD_CMD_H

enum {
  UD_EXIT_CLEAN = 0,    /* nothing found */
  UD_EXIT_FINDINGS = 1, /* something found */
  UD_EXIT_INPUT = 2,    /* bad usage or bad input */
  UD_EXIT_OUTPUT = 3,   /* the output could not be written (stdout, a file) */
  UD_EXIT_NOMEM = 4,    /* out of memory: the input was not all read */
};

int cmd_maps(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* argv[0] of the undead process, for locating libundead.so. */
extern const char *undead_argv0;

#endif
