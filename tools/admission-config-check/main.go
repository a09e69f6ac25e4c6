// Command admission-config-check reads an API server admission configuration file the way
// kube-apiserver does (k8s.io/apiserver ReadAdmissionConfiguration, strict decoding) and
// loads and validates its PodSecurity plugin configuration with the Pod Security admission
// library's own loader and validation, at the Kubernetes minor k3s is pinned to.
//
// Usage: admission-config-check FILE
// Prints the effective Pod Security defaults and exemptions as JSON; exits 1 with the
// errors on stderr when the file or the plugin configuration is refused.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/admission"
	apiserverinstall "k8s.io/apiserver/pkg/apis/apiserver/install"
	"k8s.io/pod-security-admission/admission/api/load"
	"k8s.io/pod-security-admission/admission/api/validation"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: admission-config-check FILE")
	}
	scheme := runtime.NewScheme()
	apiserverinstall.Install(scheme)
	provider, err := admission.ReadAdmissionConfiguration([]string{"PodSecurity", "EventRateLimit"}, os.Args[1], scheme)
	if err != nil {
		fail("admission configuration: %v", err)
	}
	reader, err := provider.ConfigFor("PodSecurity")
	if err != nil {
		fail("PodSecurity: %v", err)
	}
	if reader == nil {
		fail("PodSecurity: no configuration in the file")
	}
	config, err := load.LoadFromReader(reader)
	if err != nil {
		fail("PodSecurity: %v", err)
	}
	if errs := validation.ValidatePodSecurityConfiguration(config); len(errs) > 0 {
		fail("PodSecurity: %v", errs.ToAggregate())
	}
	out, err := json.Marshal(map[string]any{
		"defaults":   config.Defaults,
		"exemptions": config.Exemptions,
	})
	if err != nil {
		fail("%v", err)
	}
	fmt.Println(string(out))
}
