/* placeholder */
#include "rtping/explain.h"
