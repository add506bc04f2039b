/* banned.h: functions that are easy to misuse become compile errors.
 * Included last by util.h, so every translation unit of ours sees it (git's
 * banned.h). Use snprintf/strbuf instead of sprintf/strcpy/strcat, gmtime_r
 * instead of gmtime, strtok_r instead of strtok. */
#ifndef CFMOCK_BANNED_H
#define CFMOCK_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)
#undef asctime
#define asctime(t) BANNED(asctime)
#undef ctime
#define ctime(t) BANNED(ctime)
#undef atoi
#define atoi(s) BANNED(atoi)

#endif
