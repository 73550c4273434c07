/* vireo-daemon-job.c
 *
 * org.vireo.Hypervisor1.Job: long work under way (a CreateMachine that copies an image, a
 * DownloadMedia),
 * with its progress and a Cancel for whoever started it. The worker thread doing the work
 * says where it is through atomics; the main thread shows that on the bus a few times a
 * second, so a copy of gigabytes costs no more signals than a small one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vireo-daemon-job"

#include "config.h"

#include <glib/gi18n.h>

#include "vireo-authority.h"
#include "vireo-bus.h"
#include "vireo-daemon-job.h"
#include "vireo-error.h"

#define UPDATE_INTERVAL_MS 250

struct _VireoDaemonJob {
  VireoDBusJobSkeleton  parent_instance;

  /* Owned references */
  VireoObjectManager   *object_manager;
  char                 *path;
  char                 *owner;       /* the unique bus name that started it */
  GCancellable         *cancellable; /* cancelled with the job, for blocking I/O */
  guint                 update_id;

  /* Written by the worker */
  gint                  step;
  gint                  permille;    /* -1 while unknown */
  gint                  cancelled;
};

static void job_iface_init (VireoDBusJobIface *iface);

/* clang-format off */
G_DEFINE_FINAL_TYPE_WITH_CODE (VireoDaemonJob, vireo_daemon_job, VIREO_DBUS_TYPE_JOB_SKELETON,
                               G_IMPLEMENT_INTERFACE (VIREO_DBUS_TYPE_JOB, job_iface_init))
/* clang-format on */

static const VireoMethodAction job_actions[] = {
  { "Cancel", NULL },   /* the caller's own work: handle_cancel checks who asks */
};

static const char *
step_description (VireoJobStep step)
{
  switch (step)
    {
    case VIREO_JOB_STEP_ADD_MEDIUM:
      return _("Adding the installation medium to the default storage pool");
    case VIREO_JOB_STEP_COPY_MEDIUM:
      return _("Copying the installation medium into the default storage pool");
    case VIREO_JOB_STEP_COPY_IMAGE:
      return _("Copying the disk image into the default storage pool");
    case VIREO_JOB_STEP_MAKE_DISK:
      return _("Creating the disk");
    case VIREO_JOB_STEP_PREPARE_SCRIPT:
      return _("Preparing the installation script");
    case VIREO_JOB_STEP_FETCH_INSTALLER:
      return _("Downloading the installer from the installation tree");
    case VIREO_JOB_STEP_DOWNLOAD:
      return _("Downloading the installation medium");
    case VIREO_JOB_STEP_VERIFY:
      return _("Checking the downloaded medium’s checksum");
    case VIREO_JOB_STEP_DEFINE:
    default:
      return _("Defining the machine");
    }
}

/* What the worker said, on the bus. */
static gboolean
update_cb (gpointer user_data)
{
  VireoDaemonJob *self = user_data;
  VireoDBusJob *job = VIREO_DBUS_JOB (self);
  gint permille = g_atomic_int_get (&self->permille);
  const char *description = step_description (g_atomic_int_get (&self->step));
  double progress = permille < 0 ? -1.0 : permille / 1000.0;
  gboolean changed = FALSE;

  if (g_strcmp0 (vireo_dbus_job_get_description (job), description) != 0)
    {
      vireo_dbus_job_set_description (job, description);
      changed = TRUE;
    }
  if (vireo_dbus_job_get_progress (job) != progress)
    {
      vireo_dbus_job_set_progress (job, progress);
      changed = TRUE;
    }
  if (changed)
    vireo_object_manager_changed (self->object_manager, self->path);
  return G_SOURCE_CONTINUE;
}

static gboolean
handle_cancel (VireoDBusJob          *job,
               GDBusMethodInvocation *invocation)
{
  VireoDaemonJob *self = VIREO_DAEMON_JOB (job);

  if (g_strcmp0 (g_dbus_method_invocation_get_sender (invocation), self->owner) != 0)
    {
      g_dbus_method_invocation_return_error_literal (invocation, VIREO_ERROR, VIREO_ERROR_NOT_AUTHORIZED,
                                                     _("Only the program that started this work can cancel it."));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  g_atomic_int_set (&self->cancelled, TRUE);
  g_cancellable_cancel (self->cancellable);
  vireo_dbus_job_complete_cancel (job, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static VireoAuthorityGate job_gate = VIREO_AUTHORITY_GATE (job_actions);

static GDBusInterfaceVTable *
vireo_daemon_job_get_vtable (GDBusInterfaceSkeleton *skeleton)
{
  return vireo_authority_gate_vtable (&job_gate, skeleton,
                                      G_DBUS_INTERFACE_SKELETON_CLASS (vireo_daemon_job_parent_class)->get_vtable (skeleton));
}

static void
job_iface_init (VireoDBusJobIface *iface)
{
  iface->handle_cancel = handle_cancel;
}

static void
vireo_daemon_job_finalize (GObject *object)
{
  VireoDaemonJob *self = VIREO_DAEMON_JOB (object);

  g_clear_handle_id (&self->update_id, g_source_remove);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->cancellable);
  g_free (self->path);
  g_free (self->owner);

  G_OBJECT_CLASS (vireo_daemon_job_parent_class)->finalize (object);
}

static void
vireo_daemon_job_class_init (VireoDaemonJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GDBusInterfaceSkeletonClass *skeleton_class = G_DBUS_INTERFACE_SKELETON_CLASS (klass);

  object_class->finalize = vireo_daemon_job_finalize;
  skeleton_class->get_vtable = vireo_daemon_job_get_vtable;
}

static void
vireo_daemon_job_init (VireoDaemonJob *self)
{
  self->permille = -1;
  self->cancellable = g_cancellable_new ();
}

/**
 * vireo_daemon_job_new:
 * @operation: %VIREO_JOB_CREATE_MACHINE or %VIREO_JOB_DOWNLOAD_MEDIUM
 * @owner: the unique bus name of the caller whose call it is
 * @target: the name of the machine or volume it is for
 * @first: what it does first
 *
 * Exports a Job for a CreateMachine or DownloadMedia call. Call on the main thread.
 *
 * Returns: (transfer full): the job, exported
 */
VireoDaemonJob *
vireo_daemon_job_new (VireoObjectManager *object_manager,
                      const char         *operation,
                      const char         *owner,
                      const char         *target,
                      VireoJobStep        first)
{
  static guint next_id = 1;
  VireoDaemonJob *self = g_object_new (VIREO_TYPE_DAEMON_JOB, NULL);
  VireoDBusJob *job = VIREO_DBUS_JOB (self);

  self->object_manager = g_object_ref (object_manager);
  self->owner = g_strdup (owner);
  self->path = g_strdup_printf ("%s/%u", VIREO_JOBS_PATH, next_id++);
  vireo_dbus_job_set_operation (job, operation);
  vireo_dbus_job_set_target (job, target);
  self->step = first;
  vireo_dbus_job_set_description (job, step_description (first));
  vireo_dbus_job_set_progress (job, -1.0);
  vireo_object_manager_export (object_manager, self->path, G_DBUS_INTERFACE_SKELETON (self));
  self->update_id = g_timeout_add (UPDATE_INTERVAL_MS, update_cb, self);
  return self;
}

/**
 * vireo_daemon_job_finish:
 *
 * Takes the job off the bus (before its call is answered). Call on the main thread.
 */
void
vireo_daemon_job_finish (VireoDaemonJob *self)
{
  g_return_if_fail (VIREO_IS_DAEMON_JOB (self));

  g_clear_handle_id (&self->update_id, g_source_remove);
  vireo_object_manager_unexport (self->object_manager, self->path);
}

void
vireo_daemon_job_set_step (VireoDaemonJob *self,
                           VireoJobStep    step)
{
  g_atomic_int_set (&self->step, step);
  g_atomic_int_set (&self->permille, -1);
}

void
vireo_daemon_job_set_progress (VireoDaemonJob *self,
                               guint64         done,
                               guint64         total)
{
  g_atomic_int_set (&self->permille, total > 0 ? (gint) MIN (done * 1000 / total, 1000) : -1);
}

gboolean
vireo_daemon_job_is_cancelled (VireoDaemonJob *self)
{
  return g_atomic_int_get (&self->cancelled);
}

/**
 * vireo_daemon_job_get_cancellable:
 *
 * Returns: (transfer none): cancelled when the job's owner cancels it, from the main thread;
 *   for the worker's blocking reads
 */
GCancellable *
vireo_daemon_job_get_cancellable (VireoDaemonJob *self)
{
  return self->cancellable;
}
