/* tree-sitter's runtime, compiled from the sources the `tree-sitter` package ships (its vendor/ directory), so that
 * the walk below runs on exactly the parser version the rest of ddi-lint uses. */
#include "lib.c"
