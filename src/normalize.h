/* normalize.h: placeholder, being written. */
