// A real Lua 5.3 interpreter for tests (fengari, a Lua VM in JavaScript, installed by `npm ci`): runs an Argo CD
// health script with the global `obj` set to a resource, and returns the table it builds.
import { createRequire } from 'node:module';

type State = object;
interface Fengari {
  to_luastring: (s: string) => Uint8Array;
  lua: {
    // Plain functions of the fengari module (no `this`).
    LUA_OK: number;
    lua_newtable: (L: State) => void;
    lua_pushstring: (L: State, s: Uint8Array) => void;
    lua_pushnumber: (L: State, n: number) => void;
    lua_pushinteger: (L: State, n: number) => void;
    lua_pushboolean: (L: State, b: boolean) => void;
    lua_pushnil: (L: State) => void;
    lua_setfield: (L: State, idx: number, k: Uint8Array) => void;
    lua_rawseti: (L: State, idx: number, i: number) => void;
    lua_setglobal: (L: State, name: Uint8Array) => void;
    lua_getfield: (L: State, idx: number, k: Uint8Array) => number;
    lua_tojsstring: (L: State, idx: number) => string | null;
    lua_pcall: (L: State, nargs: number, nresults: number, msgh: number) => number;
    lua_pop: (L: State, n: number) => void;
    lua_istable: (L: State, idx: number) => boolean;
  };
  lauxlib: { luaL_newstate: () => State; luaL_loadstring: (L: State, s: Uint8Array) => number };
  lualib: { luaL_openlibs: (L: State) => void };
}

const fengari = createRequire(import.meta.url)('fengari') as Fengari;
const { lua, lauxlib, lualib, to_luastring: S } = fengari;

function push(L: State, v: unknown): void {
  if (v === null || v === undefined) lua.lua_pushnil(L);
  else if (typeof v === 'string') lua.lua_pushstring(L, S(v));
  // Integers as Lua integers, so tostring(3) is "3" as in Argo CD's gopher-lua.
  else if (typeof v === 'number') (Number.isInteger(v) ? lua.lua_pushinteger : lua.lua_pushnumber)(L, v);
  else if (typeof v === 'boolean') lua.lua_pushboolean(L, v);
  else if (Array.isArray(v)) {
    lua.lua_newtable(L);
    v.forEach((item, i) => {
      push(L, item);
      lua.lua_rawseti(L, -2, i + 1);
    });
  } else if (typeof v === 'object') {
    lua.lua_newtable(L);
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      push(L, item);
      lua.lua_setfield(L, -2, S(k));
    }
  } else lua.lua_pushnil(L);
}

/** Runs `script` with `obj` as a global; returns the string fields of the returned table. */
export function runHealthScript(script: string, obj: unknown): { status?: string; message?: string } {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  push(L, obj);
  lua.lua_setglobal(L, S('obj'));
  if (lauxlib.luaL_loadstring(L, S(script)) !== lua.LUA_OK) throw new Error(`Lua: ${lua.lua_tojsstring(L, -1)}`);
  if (lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) throw new Error(`Lua: ${lua.lua_tojsstring(L, -1)}`);
  if (!lua.lua_istable(L, -1)) throw new Error('the health script did not return a table');
  const out: { status?: string; message?: string } = {};
  for (const k of ['status', 'message'] as const) {
    lua.lua_getfield(L, -1, S(k));
    const v = lua.lua_tojsstring(L, -1);
    if (v !== null) out[k] = v;
    lua.lua_pop(L, 1);
  }
  return out;
}
