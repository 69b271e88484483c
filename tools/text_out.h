/* text_out: the undead command's stdout and stderr as text for a
 * terminal. Everything the commands print with stdio (undead report's
 * summary with its file names, doctor, scan, maps, every error line) comes
 * from binaries and files that anyone may have named: their control bytes
 * are written as \xNN (ud_out_escaped's rule), except newline and tab,
 * which are the output's own layout. Output the commands write themselves
 * with write(2) (JSON, SARIF, undead report --text, which escapes its
 * fields itself) does not pass through here. */
#ifndef UNDEAD_TEXT_OUT_H
#define UNDEAD_TEXT_OUT_H

#include <stdbool.h>

/* Replaces stdout and stderr (stderr unbuffered, stdout line-buffered on a
 * terminal, else fully) with streams that write to descriptors 1 and 2
 * through the escape. False (the streams unchanged) when out of memory. */
bool ud_text_out_install(void);

#endif
