-- Argo CD health check for Confluent ClusterLink resources reconciled by clusterlink-webhook
-- (docs/reconciler.md#argo-cd-health-check). Reads status.observedGeneration and the Ready / Degraded
-- conditions the reconciler writes.
local hs = { status = "Progressing", message = "Waiting for the ClusterLink to be reconciled" }

local function condition(conditions, t)
  if conditions == nil then return nil end
  for _, c in ipairs(conditions) do
    if c.type == t then return c end
  end
  return nil
end

-- Ready=False reasons that mean "not there yet" rather than "broken".
local waiting = {
  MirrorsStopping = true,
  Deleting = true,
  LinkMissing = true,
  LinkNotActive = true,
}

if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
  hs.message = "Deleting: failing over mirror topics and removing the cluster link"
  return hs
end
if obj.status == nil then
  return hs
end
local generation = obj.metadata and obj.metadata.generation or nil
local observed = obj.status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.message = "Waiting for the reconciler to apply generation " .. tostring(generation)
  return hs
end

local degraded = condition(obj.status.conditions, "Degraded")
if degraded ~= nil and degraded.status == "True" then
  hs.status = "Degraded"
  hs.message = degraded.message or degraded.reason or "Degraded"
  return hs
end

local ready = condition(obj.status.conditions, "Ready")
if ready == nil then
  return hs
end
if ready.status == "True" then
  local topics = obj.status.mirrorTopics
  local count, paused = 0, 0
  if topics ~= nil then
    for _, m in pairs(topics) do
      count = count + 1
      if m.status == "PAUSED" then paused = paused + 1 end
    end
  end
  if count > 0 and paused == count then
    hs.status = "Suspended"
    hs.message = "All mirror topics are paused"
    return hs
  end
  hs.status = "Healthy"
  hs.message = ready.message or "The cluster link matches the spec"
  return hs
end
if waiting[ready.reason] then
  hs.message = ready.message or ready.reason
  return hs
end
hs.status = "Degraded"
hs.message = (ready.reason or "NotReady") .. ": " .. (ready.message or "")
return hs
