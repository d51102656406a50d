/**
 * The packet agent: one long-lived python3 + scapy process that holds, for every side, a packet
 * socket per world interface (send frames, capture what the firewall lets out) and raw IP
 * sockets inside the firewall namespace (locally generated probes). JSON lines both ways.
 */
export const AGENT_SOURCE = String.raw`import ctypes, json, os, select, socket, struct, sys, time
import logging
logging.getLogger('scapy.runtime').setLevel(logging.ERROR)
from scapy.layers.l2 import Ether
from scapy.layers.inet import IP, TCP, UDP, ICMP, IPerror, TCPerror, UDPerror
from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest, ICMPv6EchoReply, ICMPv6Unknown, IPerror6
from scapy.layers.sctp import SCTP, SCTPChunkData
from scapy.layers.ipsec import AH, ESP
from scapy.packet import Raw

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
MARK = b'NFLV'

def enter(ns):
    fd = os.open('/run/netns/' + ns if ns else '/proc/1/ns/net', os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), 'setns ' + ns)
    finally:
        os.close(fd)

def out(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()

cfg = json.loads(sys.argv[1])
home = os.open('/proc/self/ns/net', os.O_RDONLY)
l2 = {}      # (side, iface) -> socket
fwraw = {}   # side -> (raw4, raw6)
rx = {}      # fd -> (side, iface, socket)
for side, s in enumerate(cfg['sides']):
    enter(s['world'])
    for ifc in s['ifaces']:
        sk = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        sk.bind((ifc['world'], ETH_P_ALL))
        sk.setblocking(False)
        sk.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        l2[(side, ifc['world'])] = (sk, ifc)
        rx[sk.fileno()] = (side, ifc['world'], sk)
    enter(s['fw'])
    r4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    r6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    fwraw[side] = (r4, r6)
if libc.setns(home, CLONE_NEWNET) != 0:
    raise OSError(ctypes.get_errno(), 'setns home')

def payload(tag):
    return MARK + struct.pack('!I', tag)

def build_l4(sp, l3):
    proto = sp.get('proto', 17)
    tag = sp['tag']
    data = payload(tag) + b'\0' * sp.get('pad', 0)
    if proto == 6:
        flags = sp.get('flags', 'S')
        return TCP(sport=sp.get('sport', 40000), dport=sp.get('dport', 80), flags=flags, seq=sp.get('seq', (tag << 8) & 0xffffffff), ack=sp.get('ack', ((tag << 8) & 0xffffffff) if 'A' in flags else 0), window=65535) / Raw(data)
    if proto == 17:
        return UDP(sport=sp.get('sport', 40000), dport=sp.get('dport', 53)) / Raw(data)
    if proto == 51:
        # AH with its SPI, then the payload ("no next header")
        return AH(nh=59, spi=sp.get('spi', tag & 0xffffffff), seq=1) / Raw(data)
    if proto == 50:
        return ESP(spi=sp.get('spi', tag & 0xffffffff), seq=1, data=data)
    if proto == 132:
        # a real SCTP header and a DATA chunk: the kernel's sctp match and conntrack read both
        return SCTP(sport=sp.get('sport', 40000), dport=sp.get('dport', 80), tag=tag & 0xffffffff) / SCTPChunkData(tsn=tag & 0xffffffff, data=data)
    if proto == 1 and l3 == 4:
        t = sp.get('icmpType', 8)
        return ICMP(type=t, code=sp.get('icmpCode', 0), id=sp.get('icmpId', tag & 0xffff), seq=sp.get('icmpSeq', 1)) / Raw(data)
    if proto == 58 and l3 == 6:
        t = sp.get('icmpType', 128)
        c = sp.get('icmpCode', 0)
        if t in (128, 129):
            cls = ICMPv6EchoRequest if t == 128 else ICMPv6EchoReply
            return cls(code=c, id=sp.get('icmpId', tag & 0xffff), seq=sp.get('icmpSeq', 1), data=data)
        return ICMPv6Unknown(type=t, code=c, msgbody=data)
    return Raw(data)

def build(sp):
    l3 = sp.get('l3', 4)
    proto = sp.get('proto', 17)
    l4 = build_l4(sp, l3)
    tos = (sp.get('dscp', 0) << 2)
    if l3 == 4:
        ip = IP(src=sp['src'], dst=sp['dst'], id=sp['tag'] & 0xffff, tos=tos, ttl=sp.get('ttl', 64), proto=proto)
    else:
        ip = IPv6(src=sp['src'], dst=sp['dst'], fl=sp['tag'] & 0xfffff, tc=tos, hlim=sp.get('ttl', 64), nh=proto)
    return ip / l4

def send(item):
    side = item['side']
    sp = item['spec']
    pkt = build(sp)
    if item['via'] == '@fw':
        r4, r6 = fwraw[side]
        if sp.get('l3', 4) == 4:
            r4.sendto(bytes(pkt), (sp['dst'], 0))
        else:
            r6.sendto(bytes(pkt), (sp['dst'], 0))
        return
    sk, ifc = l2[(side, item['via'])]
    frame = Ether(src=sp.get('srcMac') or ifc['worldMac'], dst=sp.get('dstMac') or ifc['fwMac']) / pkt
    sk.send(bytes(frame))

def tag_of_payload(raw):
    i = raw.find(MARK)
    if i < 0 or i + 8 > len(raw):
        return None
    return struct.unpack('!I', raw[i + 4:i + 8])[0]

def l4fields(d, l4):
    if isinstance(l4, (TCP, TCPerror)):
        d['sport'] = l4.sport; d['dport'] = l4.dport
        d['flags'] = str(l4.flags); d['seq'] = l4.seq; d['ack'] = l4.ack
    elif isinstance(l4, (UDP, UDPerror)):
        d['sport'] = l4.sport; d['dport'] = l4.dport

def parse(frame):
    e = Ether(frame)
    d = {'srcMac': e.src, 'dstMac': e.dst}
    if IP in e:
        ip = e[IP]
        d.update(l3=4, src=ip.src, dst=ip.dst, proto=ip.proto, dscp=ip.tos >> 2, ttl=ip.ttl, tag=ip.id)
    elif IPv6 in e:
        ip = e[IPv6]
        d.update(l3=6, src=ip.src, dst=ip.dst, proto=ip.nh, dscp=ip.tc >> 2, ttl=ip.hlim, tag=ip.fl)
    else:
        return None
    l4 = ip.payload
    l4fields(d, l4)
    if isinstance(l4, ICMP):
        d['icmpType'] = l4.type; d['icmpCode'] = l4.code
        if l4.type in (0, 8):
            d['icmpId'] = l4.id; d['icmpSeq'] = l4.seq
    elif d['l3'] == 6 and d['proto'] == 58:
        raw6 = bytes(l4)
        if len(raw6) >= 4:
            d['icmpType'] = raw6[0]; d['icmpCode'] = raw6[1]
        if len(raw6) >= 8 and raw6[0] in (128, 129):
            d['icmpId'], d['icmpSeq'] = struct.unpack('!HH', raw6[4:8])
    q = None
    if IPerror in e:
        qi = e[IPerror]
        q = {'l3': 4, 'src': qi.src, 'dst': qi.dst, 'proto': qi.proto, 'tag': qi.id}
        l4fields(q, qi.payload)
    elif IPerror6 in e:
        qi = e[IPerror6]
        q = {'l3': 6, 'src': qi.src, 'dst': qi.dst, 'proto': qi.nh, 'tag': qi.fl}
        l4fields(q, qi.payload)
    if q:
        d['quoted'] = q
    pt = tag_of_payload(bytes(l4))
    if pt is not None and not q:
        d['payloadTag'] = pt
    return d

def drain(limit_s):
    end = time.monotonic() + limit_s
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select(list(rx.keys()) + [sys.stdin.fileno()], [], [], left)
        for fd in r:
            if fd == sys.stdin.fileno():
                return
            side, ifname, sk = rx[fd]
            while True:
                try:
                    frame, addr = sk.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                try:
                    d = parse(frame)
                except Exception as ex:
                    d = None
                if d:
                    d['side'] = side; d['iface'] = ifname
                    out({'ev': 'rx', 'pkt': d})

out({'ev': 'ready'})
buf = b''
while True:
    drain(3600)
    chunk = os.read(sys.stdin.fileno(), 1 << 20)
    if not chunk:
        break
    buf += chunk
    while b'\n' in buf:
        line, buf = buf.split(b'\n', 1)
        if not line.strip():
            continue
        cmd = json.loads(line)
        if cmd['op'] == 'send':
            errors = []
            for item in cmd['packets']:
                try:
                    send(item)
                except PermissionError as ex:
                    # a probe of the firewall's own that its OUTPUT path drops: sendto says
                    # EPERM, and the trace records the drop like any other verdict
                    if item['via'] != '@fw':
                        errors.append({'tag': item['spec'].get('tag'), 'error': str(ex)})
                except Exception as ex:
                    errors.append({'tag': item['spec'].get('tag'), 'error': str(ex)})
                drain(cmd.get('gap', 0.0005))
            out({'ev': 'sent', 'id': cmd['id'], 'errors': errors})
        elif cmd['op'] == 'sync':
            drain(cmd.get('wait', 0.05))
            out({'ev': 'synced', 'id': cmd['id']})
`;
