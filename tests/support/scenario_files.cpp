#include "support/scenario_files.h"
