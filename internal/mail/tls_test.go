package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/promotor/promotor/internal/mail"
	"github.com/promotor/promotor/internal/mail/mailtest"
)

// TestSMTPTLSAndLogin sends through STARTTLS and implicit TLS with a login,
// the way a production relay is reached, to a Mailpit with a certificate
// of its own.
func TestSMTPTLSAndLogin(t *testing.T) {
	certFile, keyFile, roots := selfSigned(t)
	// Mailpit's password file, htpasswd format with a {SHA} hash.
	sum := sha1.Sum([]byte("s3cret"))
	passwords := filepath.Join(t.TempDir(), "passwords")
	if err := os.WriteFile(passwords, []byte("nps@example.com:{SHA}"+base64.StdEncoding.EncodeToString(sum[:])+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		mode mail.TLSMode
		flag string
	}{
		{mail.TLSStartTLS, "--smtp-require-starttls"},
		{mail.TLSImplicit, "--smtp-require-tls"},
	} {
		t.Run(string(tt.mode), func(t *testing.T) {
			mp := mailtest.StartWith(t, "--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile, tt.flag, "--smtp-auth-file", passwords)
			cfg := mp.Config()
			cfg.TLS = tt.mode
			cfg.TLSConfig = &tls.Config{RootCAs: roots, ServerName: cfg.Host, MinVersion: tls.VersionTLS12}
			cfg.Username, cfg.Password = "nps@example.com", "s3cret"
			s := newSMTP(t, cfg)
			to := mailtest.Address(t)
			if err := s.Send(context.Background(), plainMessage(to, "over "+string(tt.mode))); err != nil {
				t.Fatal(err)
			}
			mp.API.WaitTo(t, to, 1) // the server requires the login, so it worked

			// A wrong password, or no TLS, fails at connect, temporarily:
			// a configuration error must not fail the invitations.
			wrong := cfg
			wrong.Password = "wrong"
			clear := cfg
			clear.TLS, clear.Timeout = mail.TLSNone, time.Second
			for name, cfg := range map[string]mail.Config{"wrong password": wrong, "no TLS": clear} {
				err := newSMTP(t, cfg).Send(context.Background(), plainMessage(to, name))
				var se *mail.SendError
				if !errors.As(err, &se) || se.Permanent || se.Stage != mail.StageConnect {
					t.Errorf("%s: got %v, want a temporary error at connect", name, err)
				}
				if name == "wrong password" && se != nil && se.Code != 535 {
					t.Errorf("%s: got code %d (%v), want 535", name, se.Code, err)
				}
			}
		})
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key to files and
// returns them with a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}
