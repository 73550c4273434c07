/* vireo-daemon-job.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "vireo-dbus-generated.h"
#include "vireo-object-manager.h"

G_BEGIN_DECLS

#define VIREO_TYPE_DAEMON_JOB (vireo_daemon_job_get_type ())
G_DECLARE_FINAL_TYPE (VireoDaemonJob, vireo_daemon_job, VIREO, DAEMON_JOB, VireoDBusJobSkeleton)

typedef enum {
  VIREO_JOB_STEP_ADD_MEDIUM,
  VIREO_JOB_STEP_COPY_MEDIUM,
  VIREO_JOB_STEP_COPY_IMAGE,
  VIREO_JOB_STEP_MAKE_DISK,
  VIREO_JOB_STEP_PREPARE_SCRIPT,
  VIREO_JOB_STEP_FETCH_INSTALLER,
  VIREO_JOB_STEP_DEFINE,
  VIREO_JOB_STEP_DOWNLOAD,
  VIREO_JOB_STEP_VERIFY,
} VireoJobStep;

#define VIREO_JOB_CREATE_MACHINE  "create-machine"
#define VIREO_JOB_DOWNLOAD_MEDIUM "download-medium"

VireoDaemonJob *vireo_daemon_job_new          (VireoObjectManager *object_manager,
                                               const char         *operation,
                                               const char         *owner,
                                               const char         *target,
                                               VireoJobStep        first);
void            vireo_daemon_job_finish       (VireoDaemonJob     *self);
/* From any thread: */
void            vireo_daemon_job_set_step     (VireoDaemonJob     *self,
                                               VireoJobStep        step);
void            vireo_daemon_job_set_progress (VireoDaemonJob     *self,
                                               guint64             done,
                                               guint64             total);
gboolean        vireo_daemon_job_is_cancelled (VireoDaemonJob     *self);
GCancellable   *vireo_daemon_job_get_cancellable (VireoDaemonJob  *self);

G_END_DECLS
