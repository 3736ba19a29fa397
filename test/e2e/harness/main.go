// Command e2e-apiserver runs Kubernetes' own kube-apiserver (k8s.io/kubernetes/cmd/kube-apiserver/app, the
// code the kube-apiserver binary runs) on 127.0.0.1 with an embedded etcd, for the project's e2e suite
// (docs/e2e.md). It makes everything the API server needs in one directory — a CA and serving certificate, a
// service-account signing key, a static admin token, an audit policy — starts etcd and the API server, waits
// until /readyz answers, then writes <dir>/cluster.json (URL, kubeconfig, CA, token, audit log) and prints
// the same JSON on one stdout line starting with "ready ".
//
// It stops on SIGTERM/SIGINT, or when its standard input closes (the test process that started it died).
package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

// Cluster is what the test process reads from cluster.json.
type Cluster struct {
	URL        string `json:"url"`
	Kubeconfig string `json:"kubeconfig"`
	CAFile     string `json:"caFile"`
	Token      string `json:"token"`
	AuditLog   string `json:"auditLog"`
	Dir        string `json:"dir"`
	Pid        int    `json:"pid"`
}

func main() {
	dir := flag.String("dir", "", "state directory (certificates, etcd data, logs); a temporary one when empty")
	readyTimeout := flag.Duration("ready-timeout", 3*time.Minute, "give up when the API server is not ready by then")
	watchStdin := flag.Bool("exit-on-stdin-eof", true, "stop when standard input closes")
	flag.Parse()
	if err := run(*dir, *readyTimeout, *watchStdin); err != nil {
		fmt.Fprintln(os.Stderr, "e2e-apiserver:", err)
		os.Exit(1)
	}
}

func run(dir string, readyTimeout time.Duration, watchStdin bool) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "clusterlink-e2e-apiserver-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	etcdServer, etcdURL, err := startEtcd(filepath.Join(dir, "etcd"), ports[0], ports[1])
	if err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	defer etcdServer.Close()

	files, err := writeFiles(dir, ports[2])
	if err != nil {
		return err
	}
	if watchStdin {
		go stopOnStdinEOF()
	}
	cluster := Cluster{
		URL:        "https://127.0.0.1:" + strconv.Itoa(ports[2]),
		Kubeconfig: files.kubeconfig,
		CAFile:     files.caFile,
		Token:      files.token,
		AuditLog:   files.auditLog,
		Dir:        dir,
		Pid:        os.Getpid(),
	}
	go announceWhenReady(cluster, readyTimeout)

	// The API server's own command, flags as a cluster admin would pass them; the admission plugins are
	// left at kube-apiserver's defaults (MutatingAdmissionWebhook, ValidatingAdmissionPolicy and
	// ValidatingAdmissionWebhook among them), as on any cluster.
	cmd := app.NewAPIServerCommand()
	cmd.SetArgs([]string{
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(ports[2]),
		"--etcd-servers=" + etcdURL,
		"--tls-cert-file=" + files.servingCert,
		"--tls-private-key-file=" + files.servingKey,
		"--client-ca-file=" + files.caFile,
		"--token-auth-file=" + files.tokenFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + files.saKey,
		"--service-account-signing-key-file=" + files.saKey,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--audit-policy-file=" + files.auditPolicy,
		"--audit-log-path=" + files.auditLog,
		"--audit-log-format=json",
		"--audit-log-mode=blocking",
		// No kubelets or Services to route to: keep the API server from rewriting the kubernetes Endpoints.
		"--endpoint-reconciler-type=none",
		"--profiling=false",
		"--v=0",
	})
	// Run returns once the signal context set up by NewAPIServerCommand is cancelled (SIGTERM/SIGINT).
	return cmd.Execute()
}

// freePorts reserves n distinct loopback ports and releases them for etcd and the API server to bind.
func freePorts(n int) ([]int, error) {
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func startEtcd(dataDir string, clientPort, peerPort int) (*embed.Etcd, string, error) {
	cfg := embed.NewConfig()
	cfg.Dir = dataDir
	cfg.Name = "e2e"
	clientURL := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(clientPort)}
	peerURL := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(peerPort)}
	cfg.ListenClientUrls = []url.URL{clientURL}
	cfg.AdvertiseClientUrls = []url.URL{clientURL}
	cfg.ListenPeerUrls = []url.URL{peerURL}
	cfg.AdvertisePeerUrls = []url.URL{peerURL}
	cfg.InitialCluster = cfg.Name + "=" + peerURL.String()
	cfg.LogLevel = "error"
	// A test cluster: fsync on every write only slows the suite down on a loaded CI machine.
	cfg.UnsafeNoFsync = true
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, "", err
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, clientURL.String(), nil
	case <-time.After(60 * time.Second):
		e.Close()
		return nil, "", errors.New("not ready within 60s")
	}
}

type harnessFiles struct {
	caFile, servingCert, servingKey, saKey, tokenFile, token, auditPolicy, auditLog, kubeconfig string
}

// auditPolicy records every request at Metadata level (who, verb, resource, code): the e2e suite counts
// the reconciler's writes from it. ClusterLink status writes are kept with their request body, so the suite
// can compare what the reconciler sent with what the CRD schema let through.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Request
    resources:
      - group: platform.confluent.io
        resources: ["clusterlinks/status"]
  - level: Metadata
`

func writeFiles(dir string, port int) (harnessFiles, error) {
	f := harnessFiles{
		caFile:      filepath.Join(dir, "ca.crt"),
		servingCert: filepath.Join(dir, "apiserver.crt"),
		servingKey:  filepath.Join(dir, "apiserver.key"),
		saKey:       filepath.Join(dir, "service-account.key"),
		tokenFile:   filepath.Join(dir, "tokens.csv"),
		auditPolicy: filepath.Join(dir, "audit-policy.yaml"),
		auditLog:    filepath.Join(dir, "audit.log"),
		kubeconfig:  filepath.Join(dir, "kubeconfig"),
	}
	caKey, caCert, caDER, err := newCA()
	if err != nil {
		return f, err
	}
	servingKey, servingDER, err := newServingCert(caKey, caCert)
	if err != nil {
		return f, err
	}
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return f, err
	}
	token, err := randomHex(24)
	if err != nil {
		return f, err
	}
	f.token = token
	caPEM := pemBlock("CERTIFICATE", caDER)
	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
  - name: e2e
    cluster:
      server: https://127.0.0.1:%d
      certificate-authority: %s
users:
  - name: admin
    user:
      token: %s
contexts:
  - name: e2e
    context: {cluster: e2e, user: admin, namespace: default}
current-context: e2e
`, port, f.caFile, token)
	writes := []struct {
		path string
		data []byte
	}{
		{f.caFile, caPEM},
		{f.servingCert, pemBlock("CERTIFICATE", servingDER)},
		{f.servingKey, mustECKeyPEM(servingKey)},
		{f.saKey, mustECKeyPEM(saKey)},
		// token,user,uid,"groups": a static cluster admin for the test process.
		{f.tokenFile, []byte(token + ",e2e-admin,e2e-admin,\"system:masters\"\n")},
		{f.auditPolicy, []byte(auditPolicy)},
		{f.kubeconfig, []byte(kubeconfig)},
	}
	for _, w := range writes {
		if err := os.WriteFile(w.path, w.data, 0o600); err != nil {
			return f, err
		}
	}
	return f, nil
}

func newCA() (*ecdsa.PrivateKey, *x509.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "clusterlink-webhook-e2e-ca"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return key, cert, der, err
}

func newServingCert(caKey *ecdsa.PrivateKey, ca *x509.Certificate) (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca, &key.PublicKey, caKey)
	return key, der, err
}

func pemBlock(kind string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der})
}

func mustECKeyPEM(key *ecdsa.PrivateKey) []byte {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		panic(err)
	}
	return pemBlock("EC PRIVATE KEY", der)
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// announceWhenReady polls /readyz with the admin token; once it answers 200 it writes cluster.json and
// prints the ready line. It stops the process when the API server is not ready in time.
func announceWhenReady(c Cluster, timeout time.Duration) {
	caPEM, err := os.ReadFile(c.CAFile)
	if err != nil {
		fail(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		if ready(ctx, client, c) {
			break
		}
		select {
		case <-ctx.Done():
			fail(fmt.Errorf("the API server was not ready within %s", timeout))
		case <-time.After(200 * time.Millisecond):
		}
	}
	data, err := json.Marshal(c)
	if err != nil {
		fail(err)
	}
	tmp := filepath.Join(c.Dir, "cluster.json.tmp")
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		fail(err)
	}
	if err := os.Rename(tmp, filepath.Join(c.Dir, "cluster.json")); err != nil {
		fail(err)
	}
	fmt.Printf("ready %s\n", data)
}

func ready(ctx context.Context, client *http.Client, c Cluster) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL+"/readyz", nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}

// stopOnStdinEOF turns the end of standard input into SIGTERM, which the API server's signal context
// handles like any shutdown: the harness never outlives the test process that started it.
func stopOnStdinEOF() {
	_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
	_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "e2e-apiserver:", err)
	_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
	time.Sleep(30 * time.Second)
	os.Exit(1)
}
