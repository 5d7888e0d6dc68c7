package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/promotor/promotor/internal/mail/mailtest"
)

// readyWait is how long a started process may take to serve /readyz.
const readyWait = 60 * time.Second

// moduleRoot is the directory of the module the harness is run in.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the soak test inside the promotor module")
	}
	return filepath.Dir(mod), nil
}

// buildPromotor builds the promotor binary into dir once, so that every
// process of the run is the same build.
func buildPromotor(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "promotor")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/promotor")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

// cli runs a promotor command with stdin and returns its standard output.
func cli(ctx context.Context, bin, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("promotor %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// freeAddr returns a loopback address whose port was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// waitReady polls url until it answers 200, for up to wait.
func waitReady(ctx context.Context, url string, wait time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(wait)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %v (last error %v)", url, wait, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// server is one `promotor serve` process, which the harness kills and
// starts again; its output goes to a log file that every start appends to.
type server struct {
	addr string
	bin  string
	args []string
	log  string

	mu  sync.Mutex
	cur *process
}

// process is one start of a server.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	err  error         // how it exited, once done is closed
}

// start starts the process and waits until it serves /readyz.
func (s *server) start(ctx context.Context) error {
	f, err := os.OpenFile(s.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("serve log: %w", err)
	}
	// Not tied to ctx: the harness stops it itself, with SIGTERM or SIGKILL.
	cmd := exec.Command(s.bin, append([]string{"serve", "--addr", s.addr}, s.args...)...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("start serve on %s: %w", s.addr, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	s.mu.Lock()
	s.cur = p
	s.mu.Unlock()
	if err := waitReady(ctx, "http://"+s.addr+"/readyz", readyWait); err != nil {
		return fmt.Errorf("serve on %s: %w (see %s)", s.addr, err, s.log)
	}
	return nil
}

func (s *server) process() *process {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() error {
	p := s.process()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return fmt.Errorf("kill serve on %s: %w", s.addr, err)
	}
	<-p.done
	return nil
}

// stop sends SIGTERM and waits for a clean exit, killing the process when
// it takes longer than grace; a non-zero exit is an error. A process that
// has already exited is left as it is.
func (s *server) stop(grace time.Duration) error {
	p := s.process()
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
		return nil
	default:
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("stop serve on %s: %w", s.addr, err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			return fmt.Errorf("serve on %s exited after SIGTERM: %w (see %s)", s.addr, p.err, s.log)
		}
		return nil
	case <-time.After(grace):
		_ = p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("serve on %s did not stop within %v of SIGTERM (see %s)", s.addr, grace, s.log)
	}
}

// mailpit is a Mailpit the harness started for its run.
type mailpit struct {
	smtp   string
	api    *mailtest.Client
	cmd    *exec.Cmd
	exited chan struct{}
}

// mailpitBinary finds mailpit on PATH or in GOPATH/bin; "" when absent.
func mailpitBinary(ctx context.Context) string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	out, err := exec.CommandContext(ctx, "go", "env", "GOPATH").Output()
	if err != nil {
		return ""
	}
	for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
		p := filepath.Join(dir, "bin", "mailpit")
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	return ""
}

// startMailpit starts bin on two free loopback ports with the flags the
// tests use (no pruning, so that every message can be counted).
func startMailpit(ctx context.Context, bin, logPath string) (*mailpit, error) {
	smtpAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	httpAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	f, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("mailpit log: %w", err)
	}
	cmd := exec.Command(bin, append([]string{"--smtp", smtpAddr, "--listen", httpAddr}, mailtest.Flags()...)...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start mailpit: %w", err)
	}
	m := &mailpit{smtp: smtpAddr, api: mailtest.NewClient("http://" + httpAddr), cmd: cmd, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait() // stop waits for the end, which is all that matters
		f.Close()
		close(m.exited)
	}()
	if err := waitReady(ctx, m.api.URL+"/readyz", 15*time.Second); err != nil {
		m.stop()
		return nil, fmt.Errorf("mailpit: %w", err)
	}
	return m, nil
}

// smtpURL is the --smtp of the serve processes for m.
func (m *mailpit) smtpURL() string {
	return "smtp://" + m.smtp + "?tls=none&from=nps@promotor.example&connections=4"
}

func (m *mailpit) stop() {
	_ = m.cmd.Process.Signal(os.Interrupt) // lets it remove its temporary database
	select {
	case <-m.exited:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.exited
	}
}
