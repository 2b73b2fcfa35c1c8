package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The gateways speak TLS (STARTTLS on the plain ports, or TLS from the
// first byte with ServeSMTPTLS and ServeIMAPTLS) with a certificate
// made for the local gateway: self-signed, ECDSA P-256, for localhost,
// 127.0.0.1 and ::1, valid ten years, kept in Dir/gateway.crt and
// Dir/gateway.key (0600) and made on first use. A client trusts it by
// its file (curl --cacert, mutt's certificate_file) or, like
// Thunderbird, by accepting it once; CertFingerprint is its SHA-256 to
// compare.

// certFiles are the gateway certificate's and key's file names in Dir.
const (
	certFile = "gateway.crt"
	keyFile  = "gateway.key"
)

// CertFile is the path of the gateways' certificate (PEM), "" for a
// service without Dir (its certificate lives in memory: CertPEM).
func (s *Service) CertFile() string {
	if s.dir == "" {
		return ""
	}
	return filepath.Join(s.dir, certFile)
}

// CertPEM returns the gateways' certificate in PEM, made if need be.
func (s *Service) CertPEM() ([]byte, error) {
	if _, err := s.TLSConfig(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.certPEM, nil
}

// CertFingerprint is the SHA-256 of the gateways' certificate (DER), in
// hex, as mail clients show it.
func (s *Service) CertFingerprint() (string, error) {
	cfg, err := s.TLSConfig()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(cfg.Certificates[0].Certificate[0])
	return hex.EncodeToString(sum[:]), nil
}

// TLSConfig is the gateways' TLS configuration (TLS 1.2 and later),
// loading their certificate from Dir or making it.
func (s *Service) TLSConfig() (*tls.Config, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tlsCfg != nil {
		return s.tlsCfg, nil
	}
	certPEM, keyPEM, err := s.loadCert()
	if err != nil {
		return nil, err
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("mail: gateway certificate: %w", err)
	}
	s.certPEM = certPEM
	s.tlsCfg = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	return s.tlsCfg, nil
}

// loadCert reads the certificate and key from Dir, or makes and (with
// a Dir) writes them.
func (s *Service) loadCert() (certPEM, keyPEM []byte, err error) {
	if s.dir != "" {
		c, errC := os.ReadFile(filepath.Join(s.dir, certFile))
		k, errK := os.ReadFile(filepath.Join(s.dir, keyFile))
		if errC == nil && errK == nil {
			return c, k, nil
		}
		if !errors.Is(errC, os.ErrNotExist) && errC != nil {
			return nil, nil, fmt.Errorf("mail: gateway certificate: %w", errC)
		}
	}
	certPEM, keyPEM, err = newGatewayCert(time.Now())
	if err != nil || s.dir == "" {
		return certPEM, keyPEM, err
	}
	// The key first: a certificate is never there without its key.
	if err := os.WriteFile(filepath.Join(s.dir, keyFile), keyPEM, 0o600); err != nil {
		return nil, nil, fmt.Errorf("mail: gateway key: %w", err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, certFile), certPEM, 0o644); err != nil {
		return nil, nil, fmt.Errorf("mail: gateway certificate: %w", err)
	}
	return certPEM, keyPEM, nil
}

// newGatewayCert makes a self-signed certificate for the loopback
// names.
func newGatewayCert(now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("mail: gateway key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("mail: gateway certificate: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "anynet mail gateway (localhost)"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true, // so clients can trust it as its own root
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("mail: gateway certificate: %w", err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("mail: gateway key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), nil
}
