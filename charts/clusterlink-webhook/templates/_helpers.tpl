{{/* Names, labels and the few checks the values schema cannot express. */}}

{{- define "clw.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "clw.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<suffix>", the full name cut so that the whole stays within 63 characters (a DNS label and
a label value: a Job's name becomes its pods' label, Kubernetes refuses longer ones only when it creates them). */}}
{{- define "clw.suffixed" -}}
{{- $suffix := index . 1 -}}
{{- printf "%s-%s" (include "clw.fullname" (index . 0) | trunc (int (sub 62 (len $suffix))) | trimSuffix "-") $suffix -}}
{{- end -}}

{{- define "clw.selectorLabels" -}}
app.kubernetes.io/name: {{ include "clw.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "clw.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "clw.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: clusterlink-webhook
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "clw.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "clw.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* An image repository on global.imageRegistry (a mirror): the repository's own registry — its first path
segment when that has a "." or ":" or is localhost, Docker's rule — is replaced, else the registry is put in
front. */}}
{{- define "clw.repository" -}}
{{- $root := index . 0 -}}
{{- $repository := index . 1 -}}
{{- $registry := (($root.Values.global | default dict).imageRegistry | default "") | trimSuffix "/" -}}
{{- if $registry -}}
{{- $parts := splitn "/" 2 $repository -}}
{{- if and $parts._1 (or (contains "." $parts._0) (contains ":" $parts._0) (eq $parts._0 "localhost")) -}}
{{- printf "%s/%s" $registry $parts._1 -}}
{{- else -}}
{{- printf "%s/%s" $registry $repository -}}
{{- end -}}
{{- else -}}
{{- $repository -}}
{{- end -}}
{{- end -}}

{{- define "clw.image" -}}
{{- $repository := include "clw.repository" (list . .Values.image.repository) -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "clw.preDeleteImage" -}}
{{- printf "%s:%s" (include "clw.repository" (list . .Values.preDeleteHook.image.repository)) .Values.preDeleteHook.image.tag -}}
{{- end -}}

{{/* A Go duration ("2160h", "1h30m", "90s") in whole seconds; the schema allows only h, m and s units. */}}
{{- define "clw.durationSeconds" -}}
{{- $total := 0 -}}
{{- range regexFindAll "[0-9]+[hms]" . -1 -}}
{{- $n := int (trimSuffix "h" (trimSuffix "m" (trimSuffix "s" .))) -}}
{{- if hasSuffix "h" . -}}{{- $total = add $total (mul $n 3600) -}}
{{- else if hasSuffix "m" . -}}{{- $total = add $total (mul $n 60) -}}
{{- else -}}{{- $total = add $total $n -}}{{- end -}}
{{- end -}}
{{- $total -}}
{{- end -}}

{{- define "clw.tlsSecretName" -}}
{{- default (include "clw.suffixed" (list . "tls")) .Values.certificates.secretName -}}
{{- end -}}

{{/* Mode managed (docs/install.md#managed-certificates): the two Secrets the server makes, and the Lease of their one writer. */}}
{{- define "clw.managedCaSecretName" -}}
{{- default (include "clw.suffixed" (list . "managed-ca")) .Values.certificates.managed.caSecretName -}}
{{- end -}}

{{- define "clw.managedTlsSecretName" -}}
{{- default (include "clw.suffixed" (list . "managed-tls")) .Values.certificates.managed.secretName -}}
{{- end -}}

{{- define "clw.certLeaseName" -}}
{{- include "clw.suffixed" (list . "cert-writer") -}}
{{- end -}}

{{- define "clw.leaseName" -}}
{{- default (include "clw.fullname" .) .Values.reconciler.leaseName -}}
{{- end -}}

{{/* The DNS names the kube-apiserver may use for the Service, then the webhook.url host when it is a DNS
name; all go into the certificate's SANs. */}}
{{- define "clw.dnsNames" -}}
{{- $svc := include "clw.fullname" . -}}
{{- $names := list $svc (printf "%s.%s" $svc .Release.Namespace) (printf "%s.%s.svc" $svc .Release.Namespace) (printf "%s.%s.svc.cluster.local" $svc .Release.Namespace) -}}
{{- $host := include "clw.urlHostname" . -}}
{{- if and $host (not (include "clw.urlHostIsIP" .)) -}}
{{- $names = append $names $host -}}
{{- end -}}
{{- $names | uniq | toJson -}}
{{- end -}}

{{/* The IP addresses of the certificate's SANs: the webhook.url host when it is an IPv4 address. */}}
{{- define "clw.ipAddresses" -}}
{{- if include "clw.urlHostIsIP" . -}}
{{- list (include "clw.urlHostname" .) | toJson -}}
{{- else -}}
[]
{{- end -}}
{{- end -}}

{{/* webhook.url.host without its port ("" when the webhook is reached through the Service). */}}
{{- define "clw.urlHostname" -}}
{{- regexReplaceAll ":[0-9]+$" .Values.webhook.url.host "" -}}
{{- end -}}

{{- define "clw.urlHostIsIP" -}}
{{- if regexMatch "^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+$" (include "clw.urlHostname" .) -}}true{{- end -}}
{{- end -}}

{{/* clientConfig of one webhook: the out-of-cluster URL when webhook.url.host is set, else the Service. */}}
{{- define "clw.clientConfig" -}}
{{- $root := index . 0 -}}
{{- $path := index . 1 -}}
{{- $caBundle := index . 2 -}}
{{- with $root.Values.webhook.url.host }}
url: {{ printf "https://%s%s" . $path | quote }}
{{- else }}
service:
  name: {{ include "clw.fullname" $root }}
  namespace: {{ $root.Release.Namespace }}
  path: {{ $path }}
  port: {{ $root.Values.service.port }}
{{- end }}
{{- with $caBundle }}
caBundle: {{ . }}
{{- end }}
{{- end -}}

{{/* Webhook names must be domain-like with three or more segments; these also tell where the webhook runs. */}}
{{- define "clw.mutatingWebhookName" -}}
{{- printf "mutate.%s.%s.svc" (include "clw.fullname" .) .Release.Namespace -}}
{{- end -}}

{{- define "clw.validatingWebhookName" -}}
{{- printf "validate.%s.%s.svc" (include "clw.fullname" .) .Release.Namespace -}}
{{- end -}}

{{/* kube-system and the release namespace are never sent to the webhook (no self-deadlock). */}}
{{- define "clw.namespaceSelector" -}}
matchExpressions:
  - key: kubernetes.io/metadata.name
    operator: NotIn
    values:
      {{- toYaml (concat (list "kube-system" .Release.Namespace) .Values.webhook.excludeNamespaces | uniq) | nindent 6 }}
{{- with .Values.webhook.exemptNamespaceLabel }}
  - key: {{ . }}
    operator: DoesNotExist
{{- end }}
{{- end -}}

{{/* The webhook rules shared by both configurations: CREATE and UPDATE of clusterlinks, nothing else. */}}
{{- define "clw.webhookRules" -}}
- apiGroups: ["platform.confluent.io"]
  apiVersions: ["v1beta1"]
  operations: ["CREATE", "UPDATE"]
  resources: ["clusterlinks"]
  scope: Namespaced
{{- end -}}

{{/* Checks the JSON schema cannot make; rendered by the Deployment so every install runs them. */}}
{{- define "clw.checks" -}}
{{- $s := .Values.shutdown -}}
{{- if le (int $s.graceSeconds) (int $s.delaySeconds) -}}
{{- fail (printf "shutdown.graceSeconds (%v) must exceed shutdown.delaySeconds (%v): the grace period counts from SIGTERM" $s.graceSeconds $s.delaySeconds) -}}
{{- end -}}
{{- $needed := add $s.preStopSleepSeconds $s.graceSeconds -}}
{{- if le (int .Values.terminationGracePeriodSeconds) (int $needed) -}}
{{- fail (printf "terminationGracePeriodSeconds (%v) must exceed shutdown.preStopSleepSeconds + shutdown.graceSeconds (%v)" .Values.terminationGracePeriodSeconds $needed) -}}
{{- end -}}
{{- if and (eq .Values.certificates.mode "provided") (not .Values.certificates.provided.caBundle) -}}
{{- fail "certificates.mode=provided needs certificates.provided.caBundle (base64 PEM of the CA) and certificates.secretName" -}}
{{- end -}}
{{- if and (eq .Values.certificates.mode "provided") (not .Values.certificates.secretName) -}}
{{- fail "certificates.mode=provided needs certificates.secretName (an existing kubernetes.io/tls Secret)" -}}
{{- end -}}
{{- include "clw.checkCaBundle" . -}}
{{- include "clw.checkPorts" . -}}
{{- include "clw.checkDisruptionBudget" . -}}
{{- include "clw.checkRenewal" . -}}
{{- include "clw.checkNamespaces" . -}}
{{- end -}}

{{/* provided.caBundle must decode to one or more PEM certificates (the kube-apiserver trusts nothing else). */}}
{{- define "clw.checkCaBundle" -}}
{{- with .Values.certificates.provided.caBundle -}}
{{- $pem := b64dec . -}}
{{- if not (regexMatch "^\\s*(-----BEGIN CERTIFICATE-----\\s*[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----\\s*)+$" $pem) -}}
{{- fail "certificates.provided.caBundle must be the base64 encoding of PEM certificates (-----BEGIN CERTIFICATE----- …), e.g. `base64 -w0 ca.crt`" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The HTTPS and metrics listeners need two ports: with one, the second bind fails and the pod never gets Ready. */}}
{{- define "clw.checkPorts" -}}
{{- if eq (int .Values.server.port) (int .Values.server.metricsPort) -}}
{{- fail (printf "server.metricsPort (%v) must differ from server.port (%v): each listener needs its own port" .Values.server.metricsPort .Values.server.port) -}}
{{- end -}}
{{- end -}}

{{/* A budget that keeps every pod blocks every node drain (docs/install.md#availability). */}}
{{- define "clw.checkDisruptionBudget" -}}
{{- $pdb := .Values.podDisruptionBudget -}}
{{- if and $pdb.enabled (gt (int .Values.replicaCount) 1) -}}
{{- $min := $pdb.minAvailable -}}
{{- if kindIs "string" $min -}}
{{- if ge (int (trimSuffix "%" $min)) 100 -}}
{{- fail (printf "podDisruptionBudget.minAvailable (%s) keeps every pod and blocks every node drain: use fewer than 100%%" $min) -}}
{{- end -}}
{{- else if ge (int $min) (int .Values.replicaCount) -}}
{{- fail (printf "podDisruptionBudget.minAvailable (%v) must be below replicaCount (%v): otherwise no node drain can evict a pod" $min .Values.replicaCount) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Renewal must start before expiry: renewBefore < duration, and a CA that outlives its certificates. */}}
{{- define "clw.checkRenewal" -}}
{{- $cm := .Values.certificates.certManager -}}
{{- $duration := int (include "clw.durationSeconds" $cm.duration) -}}
{{- $renewBefore := int (include "clw.durationSeconds" $cm.renewBefore) -}}
{{- if ge $renewBefore $duration -}}
{{- fail (printf "certificates.certManager.renewBefore (%s) must be shorter than certificates.certManager.duration (%s)" $cm.renewBefore $cm.duration) -}}
{{- end -}}
{{- if lt (int (include "clw.durationSeconds" $cm.caDuration)) $duration -}}
{{- fail (printf "certificates.certManager.caDuration (%s) must be at least certificates.certManager.duration (%s): the CA must outlive the certificates it signs" $cm.caDuration $cm.duration) -}}
{{- end -}}
{{- $m := .Values.certificates.managed -}}
{{- $mDuration := int (include "clw.durationSeconds" $m.duration) -}}
{{- $mRenew := int (include "clw.durationSeconds" $m.renewBefore) -}}
{{- $mCa := int (include "clw.durationSeconds" $m.caDuration) -}}
{{- $mCaRenew := int (include "clw.durationSeconds" $m.caRenewBefore) -}}
{{- if ge $mRenew $mDuration -}}
{{- fail (printf "certificates.managed.renewBefore (%s) must be shorter than certificates.managed.duration (%s)" $m.renewBefore $m.duration) -}}
{{- end -}}
{{- if ge $mDuration $mCa -}}
{{- fail (printf "certificates.managed.caDuration (%s) must be longer than certificates.managed.duration (%s): the CA must outlive the certificates it signs" $m.caDuration $m.duration) -}}
{{- end -}}
{{- if ge $mCaRenew $mCa -}}
{{- fail (printf "certificates.managed.caRenewBefore (%s) must be shorter than certificates.managed.caDuration (%s)" $m.caRenewBefore $m.caDuration) -}}
{{- end -}}
{{- if ge $mRenew $mCaRenew -}}
{{- fail (printf "certificates.managed.caRenewBefore (%s) must be longer than certificates.managed.renewBefore (%s): the CA rotates before a serving certificate that ends with it is due" $m.caRenewBefore $m.renewBefore) -}}
{{- end -}}
{{- if ge (int (include "clw.durationSeconds" $m.caSwitchDelay)) $mCaRenew -}}
{{- fail (printf "certificates.managed.caSwitchDelay (%s) must be shorter than certificates.managed.caRenewBefore (%s): the serving certificate must move to the new CA before the old one expires" $m.caSwitchDelay $m.caRenewBefore) -}}
{{- end -}}
{{- if eq (include "clw.managedCaSecretName" .) (include "clw.managedTlsSecretName" .) -}}
{{- fail "certificates.managed.caSecretName and certificates.managed.secretName must differ" -}}
{{- end -}}
{{- $ss := .Values.certificates.selfSigned -}}
{{- if ge (int $ss.renewBeforeDays) (int $ss.certValidityDays) -}}
{{- fail (printf "certificates.selfSigned.renewBeforeDays (%v) must be smaller than certificates.selfSigned.certValidityDays (%v)" $ss.renewBeforeDays $ss.certValidityDays) -}}
{{- end -}}
{{- if lt (int $ss.caValidityDays) (int $ss.certValidityDays) -}}
{{- fail (printf "certificates.selfSigned.caValidityDays (%v) must be at least certValidityDays (%v): the CA must outlive the certificate it signs" $ss.caValidityDays $ss.certValidityDays) -}}
{{- end -}}
{{- end -}}

{{/* The reconciler reads the Secrets of the ClusterLinks it watches; strict Secret checks need Secret reads
wherever the webhooks admit ClusterLinks (docs/install.md#rbac). */}}
{{- define "clw.checkNamespaces" -}}
{{- $secretNs := .Values.rbac.secretNamespaces -}}
{{- if and .Values.rbac.create $secretNs -}}
{{- if .Values.reconciler.enabled -}}
{{- if not .Values.reconciler.watchNamespaces -}}
{{- fail "rbac.secretNamespaces limits Secret reads while reconciler.watchNamespaces is [] (all namespaces): the reconciler could not read the Secrets of ClusterLinks elsewhere; list the same namespaces in reconciler.watchNamespaces or set rbac.secretNamespaces to []" -}}
{{- end -}}
{{- range .Values.reconciler.watchNamespaces -}}
{{- if not (has . $secretNs) -}}
{{- fail (printf "reconciler.watchNamespaces has %q, which rbac.secretNamespaces lacks: the reconciler could not read the Secrets of its ClusterLinks there; add it to rbac.secretNamespaces" .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if .Values.server.strictSecrets -}}
{{- fail "server.strictSecrets with rbac.secretNamespaces would deny every ClusterLink outside those namespaces (the webhook cannot read their Secrets): set rbac.secretNamespaces to [] or server.strictSecrets to false" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The reconciler's namespaced permissions (ClusterRole, or one Role per watched namespace). */}}
{{- define "clw.reconcilerRules" -}}
# patch: the reconciler adds and removes its finalizer and annotations (merge patches); it never updates.
# Every verb here is a call in src/kube/api-calls.ts (test/chart/rbac-calls.test.ts).
- apiGroups: ["platform.confluent.io"]
  resources: ["clusterlinks"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["platform.confluent.io"]
  resources: ["clusterlinks/status"]
  verbs: ["patch"]
- apiGroups: ["platform.confluent.io"]
  resources: ["kafkatopics"]
  verbs: ["create", "get"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end -}}

{{/* "true" when serve audits the stored ClusterLinks (server.auditInterval is not zero; docs/audit.md). */}}
{{- define "clw.auditEnabled" -}}
{{- not (regexMatch "^0+(\\.0+)?(ms|s|m|h)?$" (toString .Values.server.auditInterval)) -}}
{{- end -}}

{{/* The audit's permissions when the reconciler's do not cover them: list ClusterLinks, patch the Validated
condition into their status, record an Event when a verdict changes (src/kube/api-calls.ts, component audit). */}}
{{- define "clw.auditRules" -}}
- apiGroups: ["platform.confluent.io"]
  resources: ["clusterlinks"]
  verbs: ["list"]
- apiGroups: ["platform.confluent.io"]
  resources: ["clusterlinks/status"]
  verbs: ["patch"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end -}}

{{/* Annotations of both webhook configurations (YAML map, or nothing): cert-manager's cainjector fills caBundle in mode certManager. */}}
{{- define "clw.webhookAnnotations" -}}
{{- $annotations := deepCopy .Values.webhook.annotations -}}
{{- if eq .Values.certificates.mode "certManager" -}}
{{- $_ := set $annotations "cert-manager.io/inject-ca-from" (printf "%s/%s" .Release.Namespace (include "clw.fullname" .)) -}}
{{- end -}}
{{- with $annotations -}}
{{- toYaml . -}}
{{- end -}}
{{- end -}}
