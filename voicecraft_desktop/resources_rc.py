# Resource object code (Python 3)
# Created by: object code
# Created by: The Resource Compiler for Qt version 6.11.3
# WARNING! All changes made in this file will be lost!

from PySide6 import QtCore

qt_resource_data = b"\
\x00\x00\x044\
<\
svg xmlns=\x22http:\
//www.w3.org/200\
0/svg\x22 width=\x2225\
6\x22 height=\x22256\x22 \
viewBox=\x220 0 256\
 256\x22>\x0a  <title>\
VoiceCraft Deskt\
op</title>\x0a  <de\
fs>\x0a    <linearG\
radient id=\x22bg\x22 \
x1=\x220\x22 y1=\x220\x22 x2\
=\x221\x22 y2=\x221\x22>\x0a   \
   <stop offset=\
\x220\x22 stop-color=\x22\
#5b3fd1\x22/>\x0a     \
 <stop offset=\x221\
\x22 stop-color=\x22#1\
f8fbf\x22/>\x0a    </l\
inearGradient>\x0a \
 </defs>\x0a  <rect\
 x=\x228\x22 y=\x228\x22 wid\
th=\x22240\x22 height=\
\x22240\x22 rx=\x2256\x22 fi\
ll=\x22url(#bg)\x22/>\x0a\
  <!-- microphon\
e -->\x0a  <rect x=\
\x22100\x22 y=\x2244\x22 wid\
th=\x2256\x22 height=\x22\
100\x22 rx=\x2228\x22 fil\
l=\x22#ffffff\x22/>\x0a  \
<path d=\x22M76 120\
 a52 52 0 0 0 10\
4 0\x22 fill=\x22none\x22\
 stroke=\x22#ffffff\
\x22 stroke-width=\x22\
12\x22 stroke-linec\
ap=\x22round\x22/>\x0a  <\
line x1=\x22128\x22 y1\
=\x22172\x22 x2=\x22128\x22 \
y2=\x22196\x22 stroke=\
\x22#ffffff\x22 stroke\
-width=\x2212\x22 stro\
ke-linecap=\x22roun\
d\x22/>\x0a  <!-- wave\
form -->\x0a  <g st\
roke=\x22#ffd75e\x22 s\
troke-width=\x2210\x22\
 stroke-linecap=\
\x22round\x22>\x0a    <li\
ne x1=\x2260\x22 y1=\x222\
06\x22 x2=\x2260\x22 y2=\x22\
222\x22/>\x0a    <line\
 x1=\x2284\x22 y1=\x22200\
\x22 x2=\x2284\x22 y2=\x2222\
8\x22/>\x0a    <line x\
1=\x22108\x22 y1=\x22208\x22\
 x2=\x22108\x22 y2=\x2222\
0\x22/>\x0a    <line x\
1=\x22148\x22 y1=\x22204\x22\
 x2=\x22148\x22 y2=\x2222\
4\x22/>\x0a    <line x\
1=\x22172\x22 y1=\x22196\x22\
 x2=\x22172\x22 y2=\x2223\
2\x22/>\x0a    <line x\
1=\x22196\x22 y1=\x22208\x22\
 x2=\x22196\x22 y2=\x2222\
0\x22/>\x0a  </g>\x0a</sv\
g>\x0a\
"

qt_resource_name = b"\
\x00\x05\
\x00o\xa6S\
\x00i\
\x00c\x00o\x00n\x00s\
\x00\x0e\
\x0c$0\x87\
\x00v\
\x00o\x00i\x00c\x00e\x00c\x00r\x00a\x00f\x00t\x00.\x00s\x00v\x00g\
"

qt_resource_struct = b"\
\x00\x00\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x01\
\x00\x00\x00\x00\x00\x00\x00\x00\
\x00\x00\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x02\
\x00\x00\x00\x00\x00\x00\x00\x00\
\x00\x00\x00\x10\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\
\x00\x00\x01\xa2)(73\
"

def qInitResources():
    QtCore.qRegisterResourceData(0x03, qt_resource_struct, qt_resource_name, qt_resource_data)

def qCleanupResources():
    QtCore.qUnregisterResourceData(0x03, qt_resource_struct, qt_resource_name, qt_resource_data)

qInitResources()
