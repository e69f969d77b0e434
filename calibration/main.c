/* main.c: edgesim-calibrate entry point. */
#include "calibrate.h"

int main(int argc, char **argv) { return calibrate_main(argc, argv, stdout, stderr); }
