#include "support/json_check.h"
