package store

import (
	"os"
	"syscall"

	"tutor"
)

// Lock is an exclusive claim on the workspace's job runner, held by one process at a time and
// released by the kernel when that process dies, even by kill -9.
type Lock struct{ f *os.File }

// LockRunner claims the workspace for running jobs; it fails with EUNAVAILABLE when another
// process (a running server, say) holds the claim.
func (s *Store) LockRunner() (*Lock, error) {
	f, err := os.OpenFile(s.Path("runner.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, tutor.Wrap(err, tutor.EUNAVAILABLE, "open the workspace lock")
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, tutor.Errorf(tutor.EUNAVAILABLE, "another Tutor process is running jobs in %s; stop it or use its web app", s.dir)
	}
	return &Lock{f: f}, nil
}

// Release gives the claim up.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	err := l.f.Close()
	l.f = nil
	return err
}
