/* profile.h: device profiles (models/profiles/NAME.json) and where they
 * are looked up.
 *
 * profile_apply() fills a device entry's tgs, ttft_s, power_active_w,
 * power_idle_w and quality (and lm_bytes, from the LM's resident_gib when
 * the profile has one, else 0) from profile d->profile, LM d->lm, in the models
 * directory c->models_dir; keys the entry gave itself (the `given` callback)
 * keep their values. The profile's numbers obey the device keys' bounds
 * (the rows `rows` of the device key table). Errors name the scenario and
 * the key, or the profile file and its key.
 */
#ifndef ES_PROFILE_H
#define ES_PROFILE_H

#include <stddef.h>

#include "keys.h"
#include "scenario.h"

int profile_apply(kctx *c, scn_device *d, const key_row *rows, uint64_t seen, const char *path);
/* Frees the last profile read, kept in c for the next entry naming it. */
void profile_cache_drop(kctx *c);

/* The models directory: `given` (--models), else $EDGESIM_MODELS, else
 * FILE's ../models if it is a folder, else the installed data folder beside
 * the running binary (../share/edgesim/models), else the source tree's
 * models/.
 * Returns `given`, the environment's string, or buf. */
const char *profile_models_dir(const char *file, const char *given, char *buf, size_t n);

#endif
