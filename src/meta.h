/* meta.h: placeholder, being written. */
