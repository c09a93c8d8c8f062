/* placeholder */
#include "rtping/rules.h"
