#include "stackmap.h"
