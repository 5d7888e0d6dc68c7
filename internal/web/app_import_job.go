package web

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/promotor/promotor/internal/importer"
	"github.com/promotor/promotor/internal/nps"
	"github.com/promotor/promotor/internal/store"
)

// importJobs holds this process's imports between their steps: an
// uploaded file waits for its mapping and dry run, and an apply running in
// the background reports its progress. They live in memory and are lost
// on a restart, which at worst asks for the file again: the apply is one
// transaction, so nothing is ever half-imported. The zero value is ready
// to use.
type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
}

// Bounds on the jobs kept: each holds a parsed file.
const (
	maxImportJobs = 16
	importJobTTL  = 2 * time.Hour
)

// importJob is one file on its way in. Its fields after table are guarded
// by the importJobs' mutex.
type importJob struct {
	id          string
	workspaceID int64
	userID      int64
	created     time.Time
	name        string
	kind        importer.Kind
	table       *importer.Table

	// mapping and opts are what the last dry run used; nil before one.
	mapping importer.Mapping
	opts    store.ImportOptions
	// running and finished tell how far the apply got; done and total
	// count its rows, and report and err are its outcome.
	running, finished bool
	done, total       int
	report            store.ImportReport
	err               error
}

// importStatus is a snapshot of a job, for a page.
type importStatus struct {
	Running, Finished bool
	Done, Total       int
	Report            store.ImportReport
	Err               error
}

// add stores a new job for the user's upload and returns it, dropping
// expired jobs and, beyond the limit, the oldest.
func (j *importJobs) add(workspaceID, userID int64, name string, kind importer.Kind, t *importer.Table, now time.Time) *importJob {
	b := make([]byte, 16)
	rand.Read(b)
	job := &importJob{id: hex.EncodeToString(b), workspaceID: workspaceID, userID: userID, created: now, name: name, kind: kind, table: t}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.jobs == nil {
		j.jobs = map[string]*importJob{}
	}
	var oldest *importJob
	for id, other := range j.jobs {
		if now.Sub(other.created) > importJobTTL && !other.running {
			delete(j.jobs, id)
			continue
		}
		if !other.running && (oldest == nil || other.created.Before(oldest.created)) {
			oldest = other
		}
	}
	if len(j.jobs) >= maxImportJobs && oldest != nil {
		delete(j.jobs, oldest.id)
	}
	j.jobs[job.id] = job
	return job
}

// get returns the job of the user in the workspace; another workspace's
// or user's job is not found, like a missing one.
func (j *importJobs) get(id string, a *appRequest) (*importJob, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job := j.jobs[id]
	if job == nil || job.workspaceID != a.Workspace.ID || job.userID != a.User.ID {
		return nil, nps.ErrNotFound
	}
	return job, nil
}

// checked records the mapping and options of a dry run.
func (j *importJobs) checked(job *importJob, m importer.Mapping, o store.ImportOptions) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job.mapping, job.opts = m, o
}

// plan returns the mapping and options of the last dry run; nil before
// one.
func (j *importJobs) plan(job *importJob) (importer.Mapping, store.ImportOptions) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return job.mapping, job.opts
}

// start marks the job running, unless it runs or ran already.
func (j *importJobs) start(job *importJob) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if job.running || job.finished {
		return false
	}
	job.running = true
	return true
}

// progress records how many rows the apply wrote.
func (j *importJobs) progress(job *importJob, done, total int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job.done, job.total = done, total
}

// finish records the apply's outcome.
func (j *importJobs) finish(job *importJob, r store.ImportReport, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	job.running, job.finished, job.report, job.err = false, true, r, err
}

// status returns a snapshot of the job.
func (j *importJobs) status(job *importJob) importStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	return importStatus{Running: job.running, Finished: job.finished, Done: job.done, Total: job.total, Report: job.report, Err: job.err}
}
