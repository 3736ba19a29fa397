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

{{- define "clw.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "clw.tlsSecretName" -}}
{{- default (printf "%s-tls" (include "clw.fullname" .)) .Values.certificates.secretName -}}
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
{{- end -}}

{{/* The reconciler's namespaced permissions (ClusterRole, or one Role per watched namespace). */}}
{{- define "clw.reconcilerRules" -}}
# update/patch: the reconciler adds and removes its finalizer (a merge patch guarded by resourceVersion).
- apiGroups: ["platform.confluent.io"]
  resources: ["clusterlinks"]
  verbs: ["get", "list", "watch", "update", "patch"]
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
