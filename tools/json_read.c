/* JSON reader for undead report */
#include "report.h"
