extension SandboxPreamble {
    /// How values cross between the solution's process and the tests' process (tagged JSON; never pickle).
    static let values = #"""
# ---- values between the processes --------------------------------------------------------------------
# Values cross as tagged JSON: null, true, false and strings as themselves; {"i": hex} int, {"f": hex}
# float, {"c": [hex, hex]} complex, {"b": hex} bytes, {"ba": hex} bytearray, {"l"|"t"|"s"|"fs"|"it": [...]}
# list, tuple, set, frozenset and iterator (materialised), {"d": [[k, v], ...]} dict, {"r": [a, b, c]}
# range, {"dec": text} Decimal, {"fr": [hex, hex]} Fraction, {"bi": name} a builtin (a class such as `int`
# either way; a builtin function only towards the solution's process), and {"h": id, "type": name, "repr": text} for
# any other object, which stays in the solution's process and is reached through its handle. Subclasses
# cross as their base type: a value the tests receive is plain data, never an object of the solution's.

_DEPTH = 100
_ITEMS = 1000000
# Whether a {"bi": name} may decode to a builtin function (True only in the solution's process: the
# tests' process accepts builtin classes alone, never e.g. `eval` from the solution).
_BUILTIN_FUNCTIONS = [False]

def _builtin_name(value):
    import builtins
    name = getattr(value, "__name__", None)
    if type(name) is str and getattr(builtins, name, None) is value and (isinstance(value, type) or callable(value)):
        return name
    return None

def _encode(value, handles, depth=0):
    import decimal, fractions
    if depth > _DEPTH:
        raise ValueError("a value nested more than %d levels deep" % _DEPTH)
    if value is None or value is True or value is False:
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return {"i": hex(int(value))}
    if isinstance(value, float):
        return {"f": float(value).hex()}
    if isinstance(value, complex):
        value = complex(value)
        return {"c": [value.real.hex(), value.imag.hex()]}
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return {"b": bytes(value).hex()}
    if isinstance(value, bytearray):
        return {"ba": bytes(value).hex()}
    down = depth + 1
    if isinstance(value, list):
        return {"l": [_encode(v, handles, down) for v in list(value)]}
    if isinstance(value, tuple):
        return {"t": [_encode(v, handles, down) for v in tuple(value)]}
    if isinstance(value, dict):
        return {"d": [[_encode(k, handles, down), _encode(v, handles, down)] for k, v in dict(value).items()]}
    if isinstance(value, frozenset):
        return {"fs": [_encode(v, handles, down) for v in value]}
    if isinstance(value, set):
        return {"s": [_encode(v, handles, down) for v in value]}
    if isinstance(value, range):
        return {"r": [value.start, value.stop, value.step]}
    if isinstance(value, decimal.Decimal):
        return {"dec": str(value)}
    if isinstance(value, fractions.Fraction):
        return {"fr": [hex(value.numerator), hex(value.denominator)]}
    if hasattr(type(value), "__next__") and hasattr(type(value), "__iter__"):
        items = []
        for item in value:
            if len(items) >= _ITEMS:
                raise ValueError("an iterator of more than %d items" % _ITEMS)
            items.append(_encode(item, handles, down))
        return {"it": items}
    name = _builtin_name(value)
    if name is not None:
        return {"bi": name}
    key = id(value)
    handles[key] = value
    try:
        text = repr(value)[:500]
    except BaseException:
        text = "<%s>" % type(value).__name__
    return {"h": key, "type": type(value).__name__, "repr": text}

def _decode(data, resolve, depth=0):
    import decimal, fractions
    if depth > _DEPTH:
        raise _ProtocolError("a value nested more than %d levels deep" % _DEPTH)
    if data is None or data is True or data is False or type(data) is str:
        return data
    if type(data) is not dict or len(data) not in (1, 3):
        raise _ProtocolError("not a tagged value: %.80r" % (data,))
    (tag, body), = list(data.items())[:1]
    down = depth + 1
    if tag == "i":
        return int(body, 16)
    if tag == "f":
        return float.fromhex(body)
    if tag == "c":
        return complex(float.fromhex(body[0]), float.fromhex(body[1]))
    if tag == "b":
        return bytes.fromhex(body)
    if tag == "ba":
        return bytearray.fromhex(body)
    if tag == "l":
        return [_decode(v, resolve, down) for v in body]
    if tag == "t":
        return tuple(_decode(v, resolve, down) for v in body)
    if tag == "d":
        return {_decode(k, resolve, down): _decode(v, resolve, down) for k, v in body}
    if tag == "s":
        return set(_decode(v, resolve, down) for v in body)
    if tag == "fs":
        return frozenset(_decode(v, resolve, down) for v in body)
    if tag == "it":
        return iter([_decode(v, resolve, down) for v in body])
    if tag == "r":
        return range(int(body[0]), int(body[1]), int(body[2]))
    if tag == "dec":
        return decimal.Decimal(str(body))
    if tag == "fr":
        return fractions.Fraction(int(body[0], 16), int(body[1], 16))
    if tag == "bi":
        import builtins
        found = getattr(builtins, str(body), None)
        if isinstance(found, type) or (_BUILTIN_FUNCTIONS[0] and callable(found)):
            return found
        raise _ProtocolError("not a builtin class: %.40r" % (body,))
    if tag == "h":
        return resolve(data)
    raise _ProtocolError("unknown tag %.40r" % (tag,))

"""#
}
