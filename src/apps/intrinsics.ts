// CloudFormation's intrinsic functions as templates use them in practice: Ref, Fn::GetAtt,
// Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If with Conditions, Fn::FindInMap, Fn::Base64.
// Anything else is a problem reported by name, never passed through unresolved.

export interface IntrinsicScope {
  /** Ref of a parameter, a pseudo parameter or a resource; undefined when unknown. */
  ref(name: string): string | undefined;
  getAtt(logicalId: string, attribute: string): string | undefined;
  condition(name: string): boolean | undefined;
  readonly mappings: Readonly<Record<string, Record<string, Record<string, unknown>>>>;
}

export class IntrinsicError extends Error {}

function str(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new IntrinsicError(`${where} needs a string, got ${JSON.stringify(value)}`);
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new IntrinsicError(`${where} needs a list, got ${JSON.stringify(value)}`);
  return value;
}

function substitute(template: string, vars: Record<string, unknown>, scope: IntrinsicScope): string {
  return template.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`; // ${!Literal}
    if (name in vars) return str(vars[name], `Fn::Sub variable ${name}`);
    const dot = name.indexOf('.');
    const value = dot < 0 ? scope.ref(name) : scope.getAtt(name.slice(0, dot), name.slice(dot + 1));
    if (value === undefined) throw new IntrinsicError(`Fn::Sub: unknown name \${${name}} in '${template}'`);
    return value;
  });
}

/** Resolves one intrinsic object ({"Ref": …} or {"Fn::X": …}); `resolve` handles nested ones. */
function evaluate(fn: string, arg: unknown, scope: IntrinsicScope, resolve: (v: unknown) => unknown): unknown {
  switch (fn) {
    case 'Ref': {
      const name = str(arg, 'Ref');
      const value = scope.ref(name);
      if (value === undefined) throw new IntrinsicError(`Ref to unknown parameter or resource '${name}'`);
      return value;
    }
    case 'Fn::GetAtt': {
      const parts = typeof arg === 'string' ? arg.split(/\.(.*)/s).slice(0, 2) : list(resolve(arg), 'Fn::GetAtt');
      const [id, attribute] = parts.map((p) => str(p, 'Fn::GetAtt'));
      const value = id === undefined || attribute === undefined ? undefined : scope.getAtt(id, attribute);
      if (value === undefined) throw new IntrinsicError(`Fn::GetAtt ${parts.join('.')}: no such resource attribute`);
      return value;
    }
    case 'Fn::Sub': {
      if (typeof arg === 'string') return substitute(arg, {}, scope);
      const [template, vars] = list(arg, 'Fn::Sub');
      return substitute(str(template, 'Fn::Sub'), (resolve(vars ?? {}) as Record<string, unknown>), scope);
    }
    case 'Fn::Join': {
      const [sep, items] = list(arg, 'Fn::Join');
      return list(resolve(items), 'Fn::Join').map((v) => str(v, 'Fn::Join')).join(str(sep, 'Fn::Join'));
    }
    case 'Fn::Select': {
      const [index, items] = list(resolve(arg), 'Fn::Select');
      const picked = list(items, 'Fn::Select')[Number(index)];
      if (picked === undefined) throw new IntrinsicError(`Fn::Select index ${String(index)} is out of range`);
      return picked;
    }
    case 'Fn::Split': {
      const [sep, source] = list(resolve(arg), 'Fn::Split');
      return str(source, 'Fn::Split').split(str(sep, 'Fn::Split'));
    }
    case 'Fn::If': {
      const [name, yes, no] = list(arg, 'Fn::If');
      return resolve(conditionValue(str(name, 'Fn::If'), scope) ? yes : no);
    }
    case 'Fn::Equals': {
      const [a, b] = list(resolve(arg), 'Fn::Equals');
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not': return !(list(resolve(arg), 'Fn::Not')[0] as boolean);
    case 'Fn::And': return list(resolve(arg), 'Fn::And').every(Boolean);
    case 'Fn::Or': return list(resolve(arg), 'Fn::Or').some(Boolean);
    case 'Condition': return conditionValue(str(arg, 'Condition'), scope);
    case 'Fn::FindInMap': {
      const [map, top, second] = list(resolve(arg), 'Fn::FindInMap').map((p) => str(p, 'Fn::FindInMap'));
      const value = scope.mappings[map ?? '']?.[top ?? '']?.[second ?? ''];
      if (value === undefined) throw new IntrinsicError(`Fn::FindInMap: no ${map}/${top}/${second}`);
      return value;
    }
    case 'Fn::Base64': return Buffer.from(str(resolve(arg), 'Fn::Base64')).toString('base64');
    default:
      throw new IntrinsicError(`intrinsic function ${fn} is not supported`);
  }
}

function conditionValue(name: string, scope: IntrinsicScope): boolean {
  const value = scope.condition(name);
  if (value === undefined) throw new IntrinsicError(`unknown condition '${name}'`);
  return value;
}

/** The value with every intrinsic replaced by its result; `AWS::NoValue` removes a key or item. */
export function resolveIntrinsics(value: unknown, scope: IntrinsicScope): unknown {
  const NO_VALUE = Symbol('AWS::NoValue');
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(resolve).filter((x) => x !== NO_VALUE);
    if (typeof v !== 'object' || v === null) return v;
    const entries = Object.entries(v);
    if (entries.length === 1) {
      const [key, arg] = entries[0] as [string, unknown];
      if (key === 'Ref' && arg === 'AWS::NoValue') return NO_VALUE;
      if (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::')) return evaluate(key, arg, scope, resolve);
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of entries) {
      const r = resolve(x);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  };
  const result = resolve(value);
  return result === NO_VALUE ? undefined : result;
}
