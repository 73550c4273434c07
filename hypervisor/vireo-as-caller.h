/* vireo-as-caller.h
 *
 * File work done with the caller's permissions, never the helper's: in a child process that
 * takes on the caller's uid and groups and does one thing, under a time limit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* How long a child may stay silent (opening, reading or removing a file) before the helper
 * gives up on it and kills it: a hung NFS or FUSE file system must not hang the helper. */
#define VIREO_AS_CALLER_TIMEOUT_MS 10000

/* A child's own answers, beside errno values. */
#define VIREO_CHILD_NOT_REGULAR (-1000)   /* not a regular file */
#define VIREO_CHILD_SYMLINK     (-1001)   /* the path goes through a symbolic link */
#define VIREO_CHILD_BAD_PATH    (-1002)   /* not absolute, or with "." or ".." */
#define VIREO_CHILD_NO_IDENTITY (-1003)   /* it could not take on the caller's uid and groups */

typedef struct {
  GPid  pid;
  int   sock;
} VireoChild;

/* Runs in the child, which already has the caller's uid and groups, and whose only open
 * descriptors are 0, 1, 2 and @sock: async-signal-safe calls only. Writes its answer to
 * @sock. */
typedef void (*VireoChildFunc) (int         sock,
                                const void *data);

gboolean vireo_child_spawn   (VireoChild      *child,
                              uid_t            uid,
                              VireoChildFunc   func,
                              const void      *data,
                              GError         **error);
gboolean vireo_child_receive (VireoChild      *child,
                              void            *buf,
                              gsize            len,
                              gsize           *n_received,
                              guint            timeout_ms,
                              GError         **error);
void     vireo_child_finish  (VireoChild      *child);

typedef struct _VireoCallerFile VireoCallerFile;

VireoCallerFile *vireo_caller_file_open     (uid_t             uid,
                                             const char       *path,
                                             GError          **error);
int              vireo_caller_file_open_fd  (uid_t             uid,
                                             const char       *path,
                                             GError          **error);
guint64          vireo_caller_file_get_size (VireoCallerFile  *file);
gssize           vireo_caller_file_read     (VireoCallerFile  *file,
                                             void             *buf,
                                             gsize             len,
                                             GError          **error);
void             vireo_caller_file_free     (VireoCallerFile  *file);

gboolean         vireo_caller_unlink        (uid_t             uid,
                                             const char       *path,
                                             gboolean          check_only,
                                             GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VireoCallerFile, vireo_caller_file_free)

G_END_DECLS
