#include "pclntab.h"
