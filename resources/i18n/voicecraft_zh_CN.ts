<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AssetText</name>
    <message>
        <source>OpenAI Whisper {size} checkpoint</source>
        <extracomment>registry name -&gt; (title, description) of each model file (models/formats/assets.py).</extracomment>
        <translation>OpenAI Whisper {size} 模型</translation>
    </message>
    <message>
        <source>OpenAI Whisper {size} checkpoint (PPG content encoder)</source>
        <translation>OpenAI Whisper {size} 模型（PPG 内容编码器，识别唱的是什么）</translation>
    </message>
    <message>
        <source>HuBERT-soft content encoder</source>
        <translation>HuBERT-soft 内容编码器</translation>
    </message>
    <message>
        <source>HuBERT-soft content encoder (bshall/hubert release v0.1)</source>
        <translation>HuBERT-soft 内容编码器（bshall/hubert v0.1 版）</translation>
    </message>
    <message>
        <source>so-vits-svc-5.0 pretrained generator and discriminator</source>
        <translation>so-vits-svc-5.0 预训练生成器与判别器</translation>
    </message>
    <message>
        <source>so-vits-svc-5.0 pretrained generator and discriminator (release 5.0)</source>
        <translation>so-vits-svc-5.0 预训练生成器与判别器（5.0 版），新音色从它开始训练</translation>
    </message>
    <message>
        <source>so-vits-svc-5.0 LSTM speaker encoder best_model.pth.tar</source>
        <translation>so-vits-svc-5.0 LSTM 音色编码器 best_model.pth.tar</translation>
    </message>
    <message>
        <source>so-vits-svc-5.0 LSTM speaker encoder best_model.pth.tar (download it from the Google Drive folder {url} that so-vits-svc-5.0&apos;s README links)</source>
        <translation>so-vits-svc-5.0 LSTM 音色编码器 best_model.pth.tar（请从 so-vits-svc-5.0 的 README 所链接的 Google Drive 文件夹 {url} 下载）</translation>
    </message>
    <message>
        <source>a HuBERT or ContentVec model folder that transformers&apos; HubertModel loads</source>
        <translation>可由 transformers 的 HubertModel 加载的 HuBERT 或 ContentVec 模型文件夹</translation>
    </message>
    <message>
        <source>a HuBERT or ContentVec model folder that transformers&apos; HubertModel loads (config.json + weights)</source>
        <translation>可由 transformers 的 HubertModel 加载的 HuBERT 或 ContentVec 模型文件夹（config.json 加权重文件）</translation>
    </message>
    <message>
        <source>Demucs v4 htdemucs separation model</source>
        <translation>Demucs v4 htdemucs 人声分离模型</translation>
    </message>
    <message>
        <source>Demucs v4 htdemucs separation model (vocals from a song)</source>
        <translation>Demucs v4 htdemucs 人声分离模型（从歌曲中提取人声）</translation>
    </message>
    <message>
        <source>Demucs v4 htdemucs_ft vocals model</source>
        <translation>Demucs v4 htdemucs_ft 人声模型</translation>
    </message>
    <message>
        <source>Demucs v4 htdemucs_ft vocals model (the fine-tuned bag&apos;s vocal specialist)</source>
        <translation>Demucs v4 htdemucs_ft 人声模型（精调版中专门提取人声的那一个）</translation>
    </message>
    <message>
        <source>as published by its author (@mueller91&apos;s Speaker-Encoder, linked by so-vits-svc-5.0)</source>
        <extracomment>registry name -&gt; licence, for the model files whose licence is words rather than a licence&apos;s name and project (&quot;MIT (openai/whisper)&quot; needs no translation).</extracomment>
        <translation>按作者发布的条款（@mueller91 的 Speaker-Encoder，由 so-vits-svc-5.0 链接）</translation>
    </message>
    <message>
        <source>as published by the model&apos;s authors</source>
        <translation>按模型作者发布的条款</translation>
    </message>
    <message>
        <source>Standard (htdemucs)</source>
        <extracomment>separation model name -&gt; (label, description) (models/features/separation.SEPARATION_MODELS).</extracomment>
        <translation>标准（htdemucs）</translation>
    </message>
    <message>
        <source>Demucs v4 hybrid transformer: the default, good on most songs</source>
        <translation>Demucs v4 混合 Transformer：默认选项，大多数歌曲效果都不错</translation>
    </message>
    <message>
        <source>Fine-tuned (htdemucs_ft)</source>
        <translation>精调（htdemucs_ft）</translation>
    </message>
    <message>
        <source>Demucs v4 fine-tuned vocals specialist: cleaner vocals, a second 84 MB download</source>
        <translation>Demucs v4 精调人声模型：人声更干净，需要另外下载 84 MB</translation>
    </message>
</context>
<context>
    <name>AudioViews</name>
    <message>
        <source>time</source>
        <translation>时间</translation>
    </message>
</context>
<context>
    <name>BaseModelCombo</name>
    <message>
        <source>From scratch (no base model)</source>
        <translation>从零开始（不用底模）</translation>
    </message>
    <message>
        <source>Other file…</source>
        <translation>其他文件…</translation>
    </message>
    <message>
        <source>Checkpoints (*.ckpt *.pth *.pt)</source>
        <translation>模型检查点 (*.ckpt *.pth *.pt)</translation>
    </message>
    <message>
        <source>{pretrain} (fine-tune: recommended)</source>
        <translation>{pretrain}（微调：推荐）</translation>
    </message>
    <message>
        <source>{pretrain} (not downloaded — see Settings)</source>
        <translation>{pretrain}（未下载——请看“设置”）</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>底模</translation>
    </message>
</context>
<context>
    <name>Common</name>
    <message>
        <source>This model file is missing: {which}.

Open the setup to download it, or to locate copies you already have.</source>
        <translation>缺少这个模型文件：{which}。

请打开模型设置下载它，或指定你已有的副本。</translation>
    </message>
    <message>
        <source>{first} and {last}</source>
        <translation>{first}和{last}</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>These model files are missing: {which}.

Open the setup to download them, or to locate copies you already have.</source>
        <translation>缺少这些模型文件：{which}。

请打开模型设置下载它们，或指定你已有的副本。</translation>
    </message>
    <message>
        <source>Open setup</source>
        <translation>打开模型设置</translation>
    </message>
    <message>
        <source>{h} h {min:02d} min</source>
        <translation>{h} 小时 {min:02d} 分</translation>
    </message>
    <message>
        <source>{min} min {s:02d} s</source>
        <translation>{min} 分 {s:02d} 秒</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
    <message>
        <source>{min:.1f} min</source>
        <translation>{min:.1f} 分钟</translation>
    </message>
</context>
<context>
    <name>ComparisonPlots</name>
    <message>
        <source>A: source</source>
        <translation>A：原声</translation>
    </message>
    <message>
        <source>B: converted</source>
        <translation>B：转换后</translation>
    </message>
    <message>
        <source>Waveform</source>
        <translation>波形</translation>
    </message>
    <message>
        <source>A: source after the key shift</source>
        <translation>A：变调后的原声</translation>
    </message>
    <message>
        <source>Pitch</source>
        <translation>音高</translation>
    </message>
</context>
<context>
    <name>ConvertPage</name>
    <message>
        <source>Off (use the key shift)</source>
        <translation>关闭（使用升降调设置）</translation>
    </message>
    <message>
        <source>Automatic, whole octaves</source>
        <translation>自动，按整八度</translation>
    </message>
    <message>
        <source>Automatic, nearest semitone</source>
        <translation>自动，取最近的半音</translation>
    </message>
    <message>
        <source>32 kHz (the model&apos;s own)</source>
        <translation>32 kHz（模型原生）</translation>
    </message>
    <message>
        <source>44.1 kHz (resampled)</source>
        <translation>44.1 kHz（重采样）</translation>
    </message>
    <message>
        <source>48 kHz (resampled)</source>
        <translation>48 kHz（重采样）</translation>
    </message>
    <message>
        <source>16-bit</source>
        <translation>16 位</translation>
    </message>
    <message>
        <source>24-bit</source>
        <translation>24 位</translation>
    </message>
    <message>
        <source>32-bit float</source>
        <translation>32 位浮点</translation>
    </message>
    <message>
        <source>Carried through (smooth; the reference)</source>
        <translation>延续前后音高（平滑；标准做法）</translation>
    </message>
    <message>
        <source>None (breaths and consonants unpitched)</source>
        <translation>无（换气和辅音不带音高）</translation>
    </message>
    <message>
        <source>Shifts by the semitones set here (12 = one octave up, -12 one down).</source>
        <translation>按这里设定的半音数变调（12 = 升一个八度，-12 = 降一个八度）。</translation>
    </message>
    <message>
        <source>Moves the song by whole octaves into the voice&apos;s range: it stays in its key, so a backing track still fits.</source>
        <translation>按整八度把歌曲移到这个音色的音域里：调性不变，伴奏仍然对得上。</translation>
    </message>
    <message>
        <source>Moves the song to the nearest semitone of the voice&apos;s range: the closest fit for a voice alone, but usually out of key with a backing track.</source>
        <translation>把歌曲移到最接近这个音色音域的半音上：对清唱最贴合，但通常会和伴奏不在一个调上。</translation>
    </message>
    <message>
        <source>Audio (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus);;All files (*)</source>
        <translation>音频 (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cancelled; nothing was written.</source>
        <translation>已取消，没有写入任何文件。</translation>
    </message>
    <message>
        <source>Drop an audio file here, open one, or use the latest take</source>
        <translation>把音频文件拖到这里，或打开一个文件，或使用最新的录音</translation>
    </message>
    <message>
        <source>Open file…</source>
        <translation>打开文件…</translation>
    </message>
    <message>
        <source>Latest take</source>
        <translation>最新录音</translation>
    </message>
    <message>
        <source>Record a take on the Record page; the latest one can then be converted here.</source>
        <translation>请先在“录音”页面录一段；之后就能在这里转换最新的录音。</translation>
    </message>
    <message>
        <source> semitones</source>
        <translation> 个半音</translation>
    </message>
    <message>
        <source>Mute non-singing gaps</source>
        <translation>静音没有歌声的空隙</translation>
    </message>
    <message>
        <source>Match the input&apos;s loudness</source>
        <translation>与输入的响度一致</translation>
    </message>
    <message>
        <source>Input:</source>
        <translation>输入：</translation>
    </message>
    <message>
        <source>Input kind:</source>
        <translation>输入类型：</translation>
    </message>
    <message>
        <source>Voice:</source>
        <translation>音色：</translation>
    </message>
    <message>
        <source>Key shift:</source>
        <translation>升降调：</translation>
    </message>
    <message>
        <source>Pitch method:</source>
        <translation>音高提取方法：</translation>
    </message>
    <message>
        <source>Convert</source>
        <translation>转换</translation>
    </message>
    <message>
        <source>Convert a folder…</source>
        <translation>转换整个文件夹…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>▶ A: source</source>
        <translation>▶ A：原声</translation>
    </message>
    <message>
        <source>▶ B: converted</source>
        <translation>▶ B：转换后</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ 停止</translation>
    </message>
    <message>
        <source>Export WAV…</source>
        <translation>导出 WAV…</translation>
    </message>
    <message>
        <source>Export FLAC…</source>
        <translation>导出 FLAC…</translation>
    </message>
    <message>
        <source>Choose an input and a voice, then Convert.</source>
        <translation>选择输入和音色，然后点“转换”。</translation>
    </message>
    <message>
        <source>The quality report of a conversion appears here.</source>
        <translation>转换的质量报告会显示在这里。</translation>
    </message>
    <message>
        <source>Quality report</source>
        <translation>质量报告</translation>
    </message>
    <message>
        <source>Result: nothing converted yet</source>
        <translation>结果：还没有转换</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <source>44.1 or 48 kHz to match a DAW session; the model itself sings at 32 kHz.</source>
        <translation>选 44.1 或 48 kHz 以配合宿主软件（DAW）的工程；模型本身以 32 kHz 演唱。</translation>
    </message>
    <message>
        <source>The format of the files a folder conversion writes.</source>
        <translation>转换整个文件夹时写出的文件格式。</translation>
    </message>
    <message>
        <source>Samples of exported and folder-converted files (FLAC: 16 or 24-bit).</source>
        <translation>导出文件和文件夹转换结果的采样格式（FLAC：16 或 24 位）。</translation>
    </message>
    <message>
        <source>The pitch given where the song has none (breaths, consonants).</source>
        <translation>歌曲中没有音高的地方（换气、辅音）所用的音高。</translation>
    </message>
    <message>
        <source>Randomness of the voice&apos;s sound: 1 is the reference, 0 the steadiest.</source>
        <translation>声音的随机程度：1 为标准，0 最稳定。</translation>
    </message>
    <message>
        <source>The same seed and settings give the same audio again.</source>
        <translation>相同的种子和设置会得到完全相同的音频。</translation>
    </message>
    <message>
        <source>Output sample rate:</source>
        <translation>输出采样率：</translation>
    </message>
    <message>
        <source>Files:</source>
        <translation>文件：</translation>
    </message>
    <message>
        <source>Unvoiced frames:</source>
        <translation>无声帧：</translation>
    </message>
    <message>
        <source>Noise scale:</source>
        <translation>噪声强度：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>Index:</source>
        <translation>索引：</translation>
    </message>
    <message>
        <source>Cannot convert: {message}</source>
        <translation>无法转换：{message}</translation>
    </message>
    <message>
        <source>Invalid conversion settings</source>
        <translation>转换设置无效</translation>
    </message>
    <message>
        <source>Audio to convert</source>
        <translation>要转换的音频</translation>
    </message>
    <message>
        <source>Where to put the converted files</source>
        <translation>转换结果存放到哪里</translation>
    </message>
    <message>
        <source>No voice in the library yet: train one, or import one on the Library page.</source>
        <translation>音色库里还没有音色：请训练一个，或在“音色库”页面导入一个。</translation>
    </message>
    <message>
        <source>Choose a song or a take: Open file…, drop one on this page, or Latest take.</source>
        <translation>选择一首歌或一段录音：点“打开文件…”、把文件拖到本页，或点“最新录音”。</translation>
    </message>
    <message>
        <source>Ready to convert {file} into “{voice}”: press Convert.</source>
        <translation>准备把 {file} 转换为“{voice}”：点“转换”。</translation>
    </message>
    <message>
        <source>Convert {file} → {voice}</source>
        <translation>转换 {file} → {voice}</translation>
    </message>
    <message>
        <source>Convert folder {folder} → {voice}</source>
        <translation>转换文件夹 {folder} → {voice}</translation>
    </message>
    <message>
        <source>Folder of songs to convert</source>
        <translation>要转换的歌曲所在文件夹</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>正在开始</translation>
    </message>
    <message>
        <source>File {number} of {total}: {name} — {what}</source>
        <translation>第 {number} 个文件，共 {total} 个：{name} — {what}</translation>
    </message>
    <message>
        <source>Converting: {what}</source>
        <translation>正在转换：{what}</translation>
    </message>
    <message>
        <source>Converted {name} into “{voice}”: {length}, key {key:+g}, {total:.1f} s to convert. Compare A/B, then export.</source>
        <translation>已把 {name} 转换为“{voice}”：时长 {length}，变调 {key:+g}，转换用时 {total:.1f} 秒。对比 A/B 后再导出。</translation>
    </message>
    <message>
        <source>Reopened {project}: {name} in “{voice}”, {length}, key {key:+g}, with its pitch edits. Edit the pitch, compare A/B, then export.</source>
        <translation>已重新打开 {project}：{name} 转换为“{voice}”，时长 {length}，变调 {key:+g}，音高修改都在。可以继续改音高、对比 A/B，然后导出。</translation>
    </message>
    <message>
        <source>Result: {file} in “{voice}”, key {key:+g}</source>
        <translation>结果：{file}，用音色“{voice}”，升降调 {key:+g}</translation>
    </message>
    <message>
        <source>Folder batch: {ok} converted, {failed} failed.</source>
        <translation>文件夹批量转换：成功 {ok} 个，失败 {failed} 个。</translation>
    </message>
    <message>
        <source>key shift: {key:+g} semitones</source>
        <translation>升降调：{key:+g} 个半音</translation>
    </message>
    <message>
        <source>Exported {file}</source>
        <translation>已导出 {file}</translation>
    </message>
    <message>
        <source>note: {note}</source>
        <translation>提示：{note}</translation>
    </message>
    <message>
        <source>time: {times}</source>
        <translation>用时：{times}</translation>
    </message>
    <message>
        <source>Cannot play</source>
        <translation>无法播放</translation>
    </message>
    <message>
        <source>Export {format}</source>
        <translation>导出 {format}</translation>
    </message>
    <message>
        <source>Export {file}</source>
        <translation>导出 {file}</translation>
    </message>
    <message>
        <source>Exported {path}</source>
        <translation>已导出 {path}</translation>
    </message>
    <message>
        <source>Exported {path}; its pitch edits could not be saved ({exc})</source>
        <translation>已导出 {path}；但它的音高修改没能保存（{exc}）</translation>
    </message>
</context>
<context>
    <name>CoverPanel</name>
    <message>
        <source>Vocal only (a take or an a cappella)</source>
        <translation>只有人声（录音或清唱）</translation>
    </message>
    <message>
        <source>Song with backing track</source>
        <translation>带伴奏的歌曲</translation>
    </message>
    <message>
        <source>Separate</source>
        <translation>分离</translation>
    </message>
    <message>
        <source>Split the song into its vocal and its backing track, to listen before converting.</source>
        <translation>把歌曲分离成人声和伴奏，转换前可以先听一听。</translation>
    </message>
    <message>
        <source>▶ Vocal</source>
        <translation>▶ 人声</translation>
    </message>
    <message>
        <source>▶ Backing</source>
        <translation>▶ 伴奏</translation>
    </message>
    <message>
        <source>Shift the backing with the key (whole octaves leave it as it is)</source>
        <translation>伴奏也跟着变调（整八度的变调不影响伴奏）</translation>
    </message>
    <message>
        <source>▶ A: original song</source>
        <translation>▶ A：原曲</translation>
    </message>
    <message>
        <source>▶ B: converted vocal</source>
        <translation>▶ B：转换后的人声</translation>
    </message>
    <message>
        <source>▶ C: converted mix</source>
        <translation>▶ C：转换后的混音</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ 停止</translation>
    </message>
    <message>
        <source>Export mix and stems…</source>
        <translation>导出混音和分轨…</translation>
    </message>
    <message>
        <source>Vocal</source>
        <translation>人声</translation>
    </message>
    <message>
        <source>Backing</source>
        <translation>伴奏</translation>
    </message>
    <message>
        <source>Separation:</source>
        <translation>分离：</translation>
    </message>
    <message>
        <source>Listen:</source>
        <translation>试听：</translation>
    </message>
    <message>
        <source>Mix levels:</source>
        <translation>混音音量：</translation>
    </message>
    <message>
        <source>Level in the mix, in dB (all the way left: silent)</source>
        <translation>在混音中的音量，单位 dB（拉到最左：静音）</translation>
    </message>
    <message>
        <source>The vocal is separated from the band (Demucs), converted, and mixed back over the backing.</source>
        <translation>先把人声从伴奏中分离出来（Demucs），转换后再混回伴奏上。</translation>
    </message>
    <message>
        <source>Convert a recording of a voice alone.</source>
        <translation>转换一段只有人声的录音。</translation>
    </message>
    <message>
        <source>silent</source>
        <translation>静音</translation>
    </message>
    <message>
        <source>{value:+d} dB</source>
        <translation>{value:+d} dB</translation>
    </message>
    <message>
        <source>Separate {file}</source>
        <translation>分离 {file}</translation>
    </message>
    <message>
        <source>from the cache</source>
        <translation>来自缓存</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Separated {name} ({where}): listen to the vocal and the backing, then Convert.</source>
        <translation>已分离 {name}（{where}）：听一听人声和伴奏，然后点“转换”。</translation>
    </message>
    <message>
        <source>Invalid mix settings</source>
        <translation>混音设置无效</translation>
    </message>
    <message>
        <source>Convert {file} → {voice}</source>
        <translation>转换 {file} → {voice}</translation>
    </message>
    <message>
        <source>, backing shifted {semitones:+g} semitones</source>
        <translation>，伴奏变调 {semitones:+g} 个半音</translation>
    </message>
    <message>
        <source>Converted {name} into “{voice}” (key {key:+g}{shift}). Compare A/B/C, set the levels, then export the mix and its stems.</source>
        <translation>已把 {name} 转换为“{voice}”（变调 {key:+g}{shift}）。对比 A/B/C，调好音量，再导出混音和分轨。</translation>
    </message>
    <message>
        <source>{file} → “{voice}” (song with backing track)</source>
        <translation>{file} → “{voice}”（带伴奏的歌曲）</translation>
    </message>
    <message>
        <source>key shift: {key:+g} semitones; backing: {backing:+g} semitones</source>
        <translation>升降调：{key:+g} 个半音；伴奏：{backing:+g} 个半音</translation>
    </message>
    <message>
        <source>separation: {model} (reused)</source>
        <translation>人声分离：{model}（沿用之前的结果）</translation>
    </message>
    <message>
        <source>separation: {model}</source>
        <translation>人声分离：{model}</translation>
    </message>
    <message>
        <source>note: {note}</source>
        <translation>提示：{note}</translation>
    </message>
    <message>
        <source>Convert songs in {folder} → {voice}</source>
        <translation>转换 {folder} 中的歌曲 → {voice}</translation>
    </message>
    <message>
        <source>Export the mix and its stems</source>
        <translation>导出混音及其分轨</translation>
    </message>
    <message>
        <source>Export {file}</source>
        <translation>导出 {file}</translation>
    </message>
    <message>
        <source>Exported {name}, with {name1} and {name2}, to {parent}.</source>
        <translation>已把 {name} 以及 {name1} 和 {name2} 导出到 {parent}。</translation>
    </message>
    <message>
        <source>Cannot play</source>
        <translation>无法播放</translation>
    </message>
</context>
<context>
    <name>EditReport</name>
    <message>
        <source>Updating the quality report for the pitch edits…</source>
        <translation>正在为修改后的音高更新质量报告…</translation>
    </message>
    <message>
        <source>Quality report of the pitch edits</source>
        <translation>修改音高后的质量报告</translation>
    </message>
    <message>
        <source>Measured again with your pitch edits.</source>
        <translation>已按你修改后的音高重新测量。</translation>
    </message>
    <message>
        <source>Pitch edited since: the numbers above were measured before the pitch edits (measuring them again failed: {reason}).</source>
        <translation>之后修改过音高：上面的数值是修改音高之前测的（重新测量失败：{reason}）。</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>A voice named “{name}” already exists: choose another name.</source>
        <extracomment>code -&gt; the English source of its translated sentence; ``{name}`` fields come from the code&apos;s params (plus ``file``, the last part of ``path``, ``device``&apos;s words and ``title``, the model file ``asset``&apos;s title; see :func:`_values`).</extracomment>
        <translation>已经有一个名为“{name}”的音色了：请换一个名称。</translation>
    </message>
    <message>
        <source>“{file}” cannot be opened as audio: choose a WAV, FLAC, MP3 or OGG file.</source>
        <translation>“{file}”无法作为音频打开：请选择 WAV、FLAC、MP3 或 OGG 文件。</translation>
    </message>
    <message>
        <source>“{file}” contains no sound.</source>
        <translation>“{file}”里没有声音。</translation>
    </message>
    <message>
        <source>“{file}” is {seconds:.0f} s long; the limit is {limit:.0f} s. Use a shorter file.</source>
        <translation>“{file}”长 {seconds:.0f} 秒，上限是 {limit:.0f} 秒。请换一个短一些的文件。</translation>
    </message>
    <message>
        <source>“{file}” is only {seconds:.2f} s long: it needs at least {minimum:g} s of audio.</source>
        <translation>“{file}”只有 {seconds:.2f} 秒：至少需要 {minimum:g} 秒的音频。</translation>
    </message>
    <message>
        <source>a voice name cannot be empty</source>
        <translation>音色名称不能为空</translation>
    </message>
    <message>
        <source>a voice name cannot contain line breaks or tabs</source>
        <translation>音色名称里不能有换行或制表符</translation>
    </message>
    <message>
        <source>the voice “{voice}” cannot be renamed ({detail})</source>
        <translation>无法重命名音色“{voice}”（{detail}）</translation>
    </message>
    <message>
        <source>the voice “{voice}” cannot be deleted ({detail})</source>
        <translation>无法删除音色“{voice}”（{detail}）</translation>
    </message>
    <message>
        <source>nothing can be saved in the voice library {path} ({detail})</source>
        <translation>音色库 {path} 无法写入（{detail}）</translation>
    </message>
    <message>
        <source>“{file}” is not a VoiceCraft voice (a voice folder or a voice .zip)</source>
        <translation>“{file}”不是 VoiceCraft 音色（应为音色文件夹或音色 .zip）</translation>
    </message>
    <message>
        <source>“{file}” is not a readable zip file ({detail})</source>
        <translation>“{file}”不是可读取的 zip 文件（{detail}）</translation>
    </message>
    <message>
        <source>“{file}” is not a VoiceCraft voice: {reason}</source>
        <translation>“{file}”不是 VoiceCraft 音色：{reason}</translation>
    </message>
    <message>
        <source>its voice description (voice.json) is far too large to be one</source>
        <translation>其中的音色说明文件（voice.json）大得不正常</translation>
    </message>
    <message>
        <source>a voice zip holds exactly one voice.json, this one holds {count}</source>
        <translation>音色 zip 里应当正好有一个 voice.json，这个里面有 {count} 个</translation>
    </message>
    <message>
        <source>its voice.json is buried too deep (it belongs at the top of the zip or in one folder)</source>
        <translation>其中的 voice.json 放得太深了（应在 zip 的最外层，或只套一层文件夹）</translation>
    </message>
    <message>
        <source>its voice description (voice.json) is damaged or from another program</source>
        <translation>其中的音色说明文件（voice.json）已损坏，或来自其他程序</translation>
    </message>
    <message>
        <source>“{file}” was made by a newer VoiceCraft (voice format {version}): update VoiceCraft to open it</source>
        <translation>“{file}”是用更新版本的 VoiceCraft 制作的（音色格式 {version}）：请先更新 VoiceCraft 再打开</translation>
    </message>
    <message>
        <source>“{file}” would unpack to more than {gib} GiB, so it was not imported</source>
        <translation>“{file}”解压后会超过 {gib} GiB，因此没有导入</translation>
    </message>
    <message>
        <source>“{file}” was not found (was it moved or deleted?)</source>
        <translation>找不到“{file}”（是不是被移动或删除了？）</translation>
    </message>
    <message>
        <source>“{file}” cannot be read ({detail})</source>
        <translation>无法读取“{file}”（{detail}）</translation>
    </message>
    <message>
        <source>the voice “{voice}” cannot be saved ({detail})</source>
        <translation>无法保存音色“{voice}”（{detail}）</translation>
    </message>
    <message>
        <source>the voice “{voice}” cannot be updated ({detail})</source>
        <translation>无法更新音色“{voice}”（{detail}）</translation>
    </message>
    <message>
        <source>“{file}” is not a voice: choose a voice folder, a voice .zip, or a so-vits-svc-5.0 .pth with its singer .npy</source>
        <translation>“{file}”不是音色：请选择音色文件夹、音色 .zip，或 so-vits-svc-5.0 的 .pth 加上它的歌手 .npy</translation>
    </message>
    <message>
        <source>“{file}” could not be imported ({detail})</source>
        <translation>“{file}”无法导入（{detail}）</translation>
    </message>
    <message>
        <source>“{file}” is a so-vits-svc-5.0 model: choose its singer .npy (speaker vector) too</source>
        <translation>“{file}”是 so-vits-svc-5.0 模型：还需要选择它的歌手 .npy（说话人向量）</translation>
    </message>
    <message>
        <source>“{file}” cannot be imported as a so-vits-svc-5.0 voice ({detail})</source>
        <translation>“{file}”无法作为 so-vits-svc-5.0 音色导入（{detail}）</translation>
    </message>
    <message>
        <source>“{file}” cannot be written ({detail})</source>
        <translation>无法写入“{file}”（{detail}）</translation>
    </message>
    <message>
        <source>“{file}” cannot be written in {folder} ({detail})</source>
        <translation>无法在 {folder} 中写入“{file}”（{detail}）</translation>
    </message>
    <message>
        <source>“{file}” cannot be written: is the disk full?</source>
        <translation>无法写入“{file}”：磁盘是不是满了？</translation>
    </message>
    <message>
        <source>{path} is a file, not a folder: choose another folder for the converted files</source>
        <translation>{path} 是一个文件，不是文件夹：请为转换结果另选一个文件夹</translation>
    </message>
    <message>
        <source>nothing can be written in the output folder {path} ({detail})</source>
        <translation>无法在输出文件夹 {path} 中写入任何文件（{detail}）</translation>
    </message>
    <message>
        <source>the voice&apos;s files are damaged or incomplete (was the download cut short?), so it was not imported</source>
        <translation>这个音色的文件已损坏或不完整（是不是没下载完？），因此没有导入</translation>
    </message>
    <message>
        <source>this voice is already in your library as “{voice}”</source>
        <translation>这个音色已经在你的音色库里了，名为“{voice}”</translation>
    </message>
    <message>
        <source>the voice “{voice}” cannot be opened: its files are damaged or incomplete</source>
        <translation>无法打开音色“{voice}”：它的文件已损坏或不完整</translation>
    </message>
    <message>
        <source>the voice “{voice}” was made with another speaker encoder than the pretrain&apos;s, so it cannot be mixed: mix base singers, instant voices, or voices trained from a dataset prepared with the pretrain&apos;s encoder</source>
        <translation>音色“{voice}”用的音色编码器和底模的不同，所以不能混合：请混合内置歌手、即时音色，或用底模编码器整理的数据集训练出来的音色</translation>
    </message>
    <message>
        <source>the voice “{voice}” has no pitch statistics, so the key cannot be set automatically; set the key shift by hand instead</source>
        <translation>音色“{voice}”没有音高统计数据，无法自动定调；请手动设置变调</translation>
    </message>
    <message>
        <source>the dataset is missing ({file}): prepare it first with “New voice from folder…”</source>
        <translation>找不到数据集（{file}）：请先用“从文件夹新建音色…”准备数据</translation>
    </message>
    <message>
        <source>the dataset has no clips</source>
        <translation>数据集里没有片段</translation>
    </message>
    <message>
        <source>the dataset&apos;s file “{file}” is damaged or missing: prepare the dataset again with “New voice from folder…”</source>
        <translation>数据集的文件“{file}”已损坏或缺失：请用“从文件夹新建音色…”重新准备数据集</translation>
    </message>
    <message>
        <source>the dataset was prepared without the content features training needs: prepare it again with “New voice from folder…”</source>
        <translation>这个数据集准备时缺少训练所需的内容特征：请用“从文件夹新建音色…”重新准备</translation>
    </message>
    <message>
        <source>the dataset was prepared for another model size than {preset}: choose the model size it was prepared for, or prepare it again</source>
        <translation>这个数据集是为 {preset} 以外的模型规格准备的：请选择它准备时的模型规格，或重新准备数据集</translation>
    </message>
    <message>
        <source>the training run&apos;s file “{file}” is missing or damaged, so the run cannot continue</source>
        <translation>训练记录的文件“{file}”缺失或已损坏，无法继续这次训练</translation>
    </message>
    <message>
        <source>the training folder {path} cannot be written ({detail})</source>
        <translation>无法写入训练文件夹 {path}（{detail}）</translation>
    </message>
    <message>
        <source>the training cannot continue from its checkpoint “{file}”: the file is damaged</source>
        <translation>无法从检查点“{file}”继续训练：这个文件已损坏</translation>
    </message>
    <message>
        <source>the base model “{file}” does not fit the chosen model size</source>
        <translation>底模“{file}”与所选的模型规格不匹配</translation>
    </message>
    <message>
        <source>“{file}” is a finished voice, which cannot be trained further: fine-tune from a training checkpoint or the pretrained base instead</source>
        <translation>“{file}”是导出的成品音色，不能继续训练：请改为从训练检查点或预训练底模开始微调</translation>
    </message>
    <message>
        <source>no training clip is at least {seconds:.2f} s long</source>
        <translation>没有一个训练片段达到 {seconds:.2f} 秒</translation>
    </message>
    <message>
        <source>the server refused the download of {title} (HTTP error {status}); try again later</source>
        <translation>服务器拒绝了{title}的下载（HTTP 错误 {status}），请稍后再试</translation>
    </message>
    <message>
        <source>no internet connection ({host} cannot be reached)</source>
        <translation>没有网络连接（无法连接到 {host}）</translation>
    </message>
    <message>
        <source>the connection broke off while {title} was downloading</source>
        <translation>{title}下载到一半时网络连接断开了</translation>
    </message>
    <message>
        <source>the connection ended before all of {title} had arrived</source>
        <translation>{title}还没下载完，连接就结束了</translation>
    </message>
    <message>
        <source>the download of {title} was cancelled; it resumes next time</source>
        <translation>{title}的下载已取消，下次会从中断的地方继续</translation>
    </message>
    <message>
        <source>the disk is full, so {title} could not be saved in {folder}: free some space</source>
        <translation>磁盘已满，{title}无法保存到 {folder}：请先腾出一些空间</translation>
    </message>
    <message>
        <source>{title} could not be saved in {folder} ({detail})</source>
        <translation>{title}无法保存到 {folder}（{detail}）</translation>
    </message>
    <message>
        <source>the downloaded copy of {title} is not the published file (its checksum differs), so it was deleted; download it again</source>
        <translation>下载到的{title}与官方发布的文件不一致（校验值不符），已将其删除；请重新下载</translation>
    </message>
    <message>
        <source>the downloaded file is not {title}, so it was deleted; download it again</source>
        <translation>下载到的文件不是{title}，已将其删除；请重新下载</translation>
    </message>
    <message>
        <source>{option} must be a number from {low:g} to {high:g}{unit}</source>
        <translation>“{option}”必须是 {low:g} 到 {high:g}{unit}之间的数</translation>
    </message>
    <message>
        <source>{option} must be a number above {low:g} and at most {high:g}{unit}</source>
        <translation>“{option}”必须大于 {low:g}，且不超过 {high:g}{unit}</translation>
    </message>
    <message>
        <source>{option} must be a whole number</source>
        <translation>“{option}”必须是整数</translation>
    </message>
    <message>
        <source>{option} must be a whole number from {low} to {high}</source>
        <translation>“{option}”必须是 {low} 到 {high} 之间的整数</translation>
    </message>
    <message>
        <source>{option} must be at least {minimum:g} seconds (or 0 for no chunks)</source>
        <translation>“{option}”至少要 {minimum:g} 秒（设为 0 表示不分段）</translation>
    </message>
    <message>
        <source>half the crossfade must not exceed the chunk context</source>
        <translation>交叉淡化时长的一半不能超过分段上下文</translation>
    </message>
    <message>
        <source>{option}: “{value}” is not one of the choices</source>
        <translation>“{option}”：没有“{value}”这个选项</translation>
    </message>
    <message>
        <source>{option} must be either on or off</source>
        <translation>“{option}”只能是开或关</translation>
    </message>
    <message>
        <source>the crossfade cannot be longer than the block</source>
        <translation>交叉淡化不能比块长更长</translation>
    </message>
    <message>
        <source>“{file}” is not {title} (its contents are not the published model&apos;s)</source>
        <translation>“{file}”不是{title}（内容与官方发布的模型不一致）</translation>
    </message>
    <message>
        <source>“{file}” is not the copy of {title} that was checked before (its contents differ)</source>
        <translation>“{file}”不是之前校验过的那份{title}（内容不一样）</translation>
    </message>
    <message>
        <source>“{file}” is not a file</source>
        <translation>“{file}”不是文件</translation>
    </message>
    <message>
        <source>“{file}” is not a {title} folder: it has no config.json</source>
        <translation>“{file}”不是{title}文件夹：里面没有 config.json</translation>
    </message>
    <message>
        <source>published</source>
        <translation>官方公布</translation>
    </message>
    <message>
        <source>recorded from the first verified copy</source>
        <translation>记录自第一份校验通过的副本</translation>
    </message>
    <message>
        <source>no full sha256 is published; the first copy is checked by format and shapes</source>
        <translation>官方没有公布完整的 sha256；第一份副本按文件格式和张量形状检查</translation>
    </message>
    <message>
        <source>no audio input device was found (no microphone, no sound server)</source>
        <translation>没有找到录音设备（没有麦克风，或声音服务没有运行）</translation>
    </message>
    <message>
        <source>the audio library could not be loaded ({detail})</source>
        <translation>无法加载音频库（{detail}）</translation>
    </message>
    <message>
        <source>the audio system reported an error ({detail})</source>
        <translation>音频系统报告了一个错误（{detail}）</translation>
    </message>
    <message>
        <source>The {device} cannot run at {rate} Hz ({detail}); choose another device or rate.</source>
        <translation>{device}无法以 {rate} Hz 工作（{detail}）：请换一个设备或采样率。</translation>
    </message>
    <message>
        <source>Cannot open the {device}: {detail}</source>
        <translation>无法打开{device}：{detail}</translation>
    </message>
    <message>
        <source>Live conversion stopped: {detail}</source>
        <translation>实时变声已停止：{detail}</translation>
    </message>
    <message>
        <source>The audio device stopped (was it unplugged?). Check the devices and press Start again.</source>
        <translation>音频设备停止工作了（是不是被拔掉了？）。请检查设备，然后重新点“开始”。</translation>
    </message>
    <message>
        <source>No sound has come from the input device for two seconds (was it unplugged?). Check the devices and press Start again.</source>
        <translation>录音设备已经两秒没有传来声音了（是不是被拔掉了？）。请检查设备，然后重新点“开始”。</translation>
    </message>
    <message>
        <source>Cannot record: {reason}.</source>
        <translation>无法录音：{reason}。</translation>
    </message>
    <message>
        <source>Cannot open the {device} at {rate} Hz: {detail}</source>
        <translation>无法以 {rate} Hz 打开{device}：{detail}</translation>
    </message>
    <message>
        <source>No audio output device was found, so nothing can be played. Connect speakers or headphones (or start the sound server) and try again. ({detail})</source>
        <translation>没有找到播放设备，所以无法播放。请接上音箱或耳机（或启动声音服务）后再试。（{detail}）</translation>
    </message>
    <message>
        <source>Cannot play audio on the output device: {detail}</source>
        <translation>无法在播放设备上播放：{detail}</translation>
    </message>
    <message>
        <source>{file}: its pitch cannot be edited after conversion (only songs up to {minutes:.0f} minutes); split it into parts to edit them</source>
        <translation>{file}：转换后无法编辑音高（只支持 {minutes:.0f} 分钟以内的歌曲）；要编辑的话请把它分成几段</translation>
    </message>
    <message>
        <source>{file}: no voiced frames found; automatic key left the pitch unchanged</source>
        <translation>{file}：没有找到有音高的片段，自动定调没有改变音高</translation>
    </message>
    <message>
        <source>{file}: no pitch found in the input; the result will be unvoiced</source>
        <translation>{file}：输入里没有找到音高，结果会听不出旋律</translation>
    </message>
    <message>
        <source>{role}: voice “{voice}” was trained with {model} {trained}; installed {installed}</source>
        <translation>{role}：音色“{voice}”训练时用的是 {model} {trained}，现在安装的是 {installed}</translation>
    </message>
    <message>
        <source>pitch: voice “{voice}” was trained with {trained}; converting with {used}</source>
        <translation>音高：音色“{voice}”训练时用的是 {trained}，这次转换用的是 {used}</translation>
    </message>
    <message>
        <source>{file}: the backing was shifted with librosa (pedalboard is not installed)</source>
        <translation>{file}：伴奏用 librosa 变调（没有安装 pedalboard）</translation>
    </message>
    <message>
        <source>fast path: {detail}; the unit encoder ran the exact way</source>
        <translation>快速模式：{detail}；内容编码器改用精确方式运行</translation>
    </message>
    <message>
        <source>fast path: the generator could not be prepared ({detail}); it ran the exact way</source>
        <translation>快速模式：生成器没能准备好（{detail}），改用精确方式运行</translation>
    </message>
    <message>
        <source>{file}: given twice (the same file as {first}); converted once</source>
        <translation>{file}：重复添加了（和 {first} 是同一个文件），只转换一次</translation>
    </message>
    <message>
        <source>{file}: written as “{name}”, because {other} also converts to “{base}”</source>
        <translation>{file}：保存为“{name}”，因为 {other} 转换后也叫“{base}”</translation>
    </message>
    <message>
        <source>{path}: already exists, so it was left as it is</source>
        <translation>{path}：文件已存在，没有覆盖</translation>
    </message>
    <message>
        <source>validation is improving (best so far at step {best_step})</source>
        <translation>验证结果还在变好（目前最好的是第 {best_step} 步）</translation>
    </message>
    <message>
        <source>no improvement of {threshold} or more for {since} of {patience} evaluations (best at step {best_step}); if none comes by the {patience}th, more steps are unlikely to help</source>
        <translation>已连续 {since} 次验证（共看 {patience} 次）没有提升 {threshold} 以上（最好的是第 {best_step} 步）；如果到第 {patience} 次还没有提升，继续训练多半也没用了</translation>
    </message>
    <message>
        <source>no improvement of {threshold} or more for {since} evaluations (best at step {best_step}): more steps are unlikely to help; you can stop</source>
        <translation>已连续 {since} 次验证没有提升 {threshold} 以上（最好的是第 {best_step} 步）：继续训练多半没用了，可以停了</translation>
    </message>
    <message>
        <source>validation got worse: no improvement of {threshold} or more for {since} evaluations, and the latest is well above the best (step {best_step}): the model is overfitting; stop now — the best checkpoint is kept for export</source>
        <translation>验证结果变差了：连续 {since} 次没有提升 {threshold} 以上，而且最新结果明显比最好的（第 {best_step} 步）差：模型开始过拟合了；请现在停止——最好的检查点已保留，可以导出</translation>
    </message>
    <message>
        <source>{path}: {detail}; the checkpoints written so far are kept and the next run resumes from the last one</source>
        <translation>{path}：{detail}；已经保存的检查点都还在，下次训练会从最后一个接着练</translation>
    </message>
    <message>
        <source>out of GPU memory even at batch size 1 on {device}; close other GPU programs, use a smaller segment_samples, or train on the CPU</source>
        <translation>{device} 显存不够，即使每批只放 1 个片段也不行；请关掉其他占用显卡的程序、把训练片段调短（segment_samples），或改用 CPU 训练</translation>
    </message>
    <message>
        <source>out of GPU memory at batch {batch} per GPU on {device}; train with a smaller batch size or fewer GPUs (the run resumes from its last checkpoint)</source>
        <translation>{device} 显存不够（每张显卡每批 {batch} 个片段）；请调小批大小或少用几张显卡（训练会从最后一个检查点接着练）</translation>
    </message>
    <message>
        <source>out of GPU memory: continuing with batch {batch} and {accumulation}-step accumulation (same effective batch)</source>
        <translation>显存不够：改为每批 {batch} 个片段、累积 {accumulation} 步继续训练（等效批大小不变）</translation>
    </message>
    <message>
        <source>fp16 gradient overflow at step {step}: update skipped, loss scale lowered to {scale}</source>
        <translation>第 {step} 步 fp16 梯度溢出：跳过这次更新，损失缩放降到 {scale}</translation>
    </message>
    <message>
        <source>non-finite loss at step {step}: its update was skipped</source>
        <translation>第 {step} 步的损失不是有效数值：跳过了这次更新</translation>
    </message>
    <message>
        <source>training diverged: {steps} consecutive steps with non-finite losses (fine-tune from the last good checkpoint as a base with a lower learning rate, or check the dataset)</source>
        <translation>训练发散了：连续 {steps} 步的损失都不是有效数值（可以把最后一个正常的检查点当作底模、用更低的学习率继续训练，或检查一下数据集）</translation>
    </message>
    <message>
        <source>already training (pid {pid})</source>
        <translation>正在训练（进程 {pid}）</translation>
    </message>
    <message>
        <source>already training in another process</source>
        <translation>正在另一个进程里训练</translation>
    </message>
    <message>
        <source>the training run {file} is {reason}; stop that training first</source>
        <translation>训练记录 {file} {reason}：请先停止那次训练</translation>
    </message>
    <message>
        <source>the training process ended unexpectedly (exit code {exit_code}); the last checkpoint is kept, press Start to resume</source>
        <translation>训练进程意外结束（退出码 {exit_code}）；最后一个检查点已保留，点“开始”即可接着训练</translation>
    </message>
    <message>
        <source>the training processes ended with exit status {status}: {detail}</source>
        <translation>训练进程异常结束（退出状态 {status}）：{detail}</translation>
    </message>
    <message>
        <source>pausing is not available with several processes: stop the run instead (it resumes from its checkpoint)</source>
        <translation>多进程训练不能暂停：请停止这次训练（它会从检查点继续）</translation>
    </message>
    <message>
        <source>{first}; {second}</source>
        <translation>{first}；{second}</translation>
    </message>
    <message>
        <source>fine-tuning from {file}: {kind}</source>
        <translation>从 {file} 开始微调：{kind}</translation>
    </message>
    <message>
        <source>VoiceCraft checkpoint (step {step})</source>
        <translation>VoiceCraft 检查点（第 {step} 步）</translation>
    </message>
    <message>
        <source>so-vits-svc-5.0 {kind} (step {step})</source>
        <translation>so-vits-svc-5.0 {kind}（第 {step} 步）</translation>
    </message>
    <message>
        <source>it has no discriminator, which starts from scratch</source>
        <translation>它没有判别器，判别器从零开始训练</translation>
    </message>
    <message>
        <source>removed {count} unfinished checkpoint write(s) of an interrupted run</source>
        <translation>删除了中断的训练留下的 {count} 个没写完的检查点</translation>
    </message>
    <message>
        <source>skipped unreadable checkpoint {file} ({detail})</source>
        <translation>跳过了无法读取的检查点 {file}（{detail}）</translation>
    </message>
    <message>
        <source>resuming from {file} (step {step})</source>
        <translation>从 {file} 继续训练（第 {step} 步）</translation>
    </message>
    <message>
        <source>the run folder already has checkpoints: the base model is not used again</source>
        <translation>训练文件夹里已经有检查点：不再使用底模</translation>
    </message>
    <message>
        <source>model inputs sized to the dataset&apos;s features: ppg {ppg}-d, vec {vec}-d (preset {preset}: {preset_ppg}-d, {preset_vec}-d)</source>
        <translation>模型输入按数据集的特征设定：ppg {ppg} 维，vec {vec} 维（预设 {preset}：{preset_ppg} 维，{preset_vec} 维）</translation>
    </message>
    <message>
        <source>fp16 needs a CUDA device; training in fp32 on the CPU</source>
        <translation>fp16 需要 CUDA 显卡；改为在 CPU 上以 fp32 训练</translation>
    </message>
    <message>
        <source>this GPU has no bf16; using fp16 with loss scaling</source>
        <translation>这块显卡不支持 bf16；改用 fp16 加损失缩放</translation>
    </message>
    <message>
        <source>{count} clip(s) shorter than {seconds} s are not used for training</source>
        <translation>{count} 个短于 {seconds} 秒的片段不参与训练</translation>
    </message>
    <message>
        <source>too few clips to hold any out: no validation (and no stop signal) in this run</source>
        <translation>片段太少，留不出验证用的录音：这次训练没有验证（也没有停止建议）</translation>
    </message>
    <message>
        <source>the dataset changed since this run started ({before} -&gt; {now} clips): training continues on the current clips in a new order</source>
        <translation>这次训练开始后数据集变了（{before} → {now} 个片段）：将用现在的片段、按新的顺序继续训练</translation>
    </message>
    <message>
        <source>this run trained in {before} process(es) and continues in {world}: the global batch is now {total} ({batch} per process; learning rate unchanged)</source>
        <translation>这次训练之前用 {before} 个进程，现在用 {world} 个：总批大小变为 {total}（每个进程 {batch}；学习率不变）</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>stopped at step {step}; checkpoint {file} written</source>
        <translation>在第 {step} 步停止；已保存检查点 {file}</translation>
    </message>
    <message>
        <source>took over the lock of an ended training process ({owner})</source>
        <translation>接管了一个已结束的训练进程留下的锁（{owner}）</translation>
    </message>
    <message>
        <source>the run has no checkpoint yet; train at least until the first one</source>
        <translation>这次训练还没有检查点；请至少训练到保存第一个检查点</translation>
    </message>
    <message>
        <source>the training checkpoint “{file}” is damaged or incomplete, so it cannot be used</source>
        <translation>训练检查点“{file}”已损坏或不完整，无法使用</translation>
    </message>
    <message>
        <source>the training checkpoint “{file}” was written by another VoiceCraft (checkpoint format {version}), so it cannot be read</source>
        <translation>训练检查点“{file}”由另一个版本的 VoiceCraft 写入（检查点格式 {version}），无法读取</translation>
    </message>
    <message>
        <source>the voice folder {path} already exists</source>
        <translation>音色文件夹 {path} 已经存在</translation>
    </message>
    <message>
        <source>the voice cannot be exported from the training run {path} ({detail})</source>
        <translation>无法从训练记录 {path} 导出音色（{detail}）</translation>
    </message>
    <message>
        <source>no frame is voiced in both the intended and the output pitch</source>
        <translation>目标音高和输出音高没有同时发声的地方</translation>
    </message>
    <message>
        <source>speaker similarity not computed (no speaker encoder loaded)</source>
        <translation>没有计算音色相似度（没有加载音色编码器）</translation>
    </message>
    <message>
        <source>the voice&apos;s speaker vector is not a resemblyzer embedding (imported voice): similarity to the voice is not comparable</source>
        <translation>这个音色的说话人向量不是 resemblyzer 生成的（导入的音色）：与音色的相似度无法比较</translation>
    </message>
    <message>
        <source>speaker similarity not computed: {detail}</source>
        <translation>没有计算音色相似度：{detail}</translation>
    </message>
    <message>
        <source>sample rate {rate} Hz is below {minimum} Hz: no content above {top} Hz to learn a {model_khz} kHz voice from</source>
        <translation>采样率 {rate} Hz 低于 {minimum} Hz：{top} Hz 以上没有声音，学不出 {model_khz} kHz 的音色</translation>
    </message>
    <message>
        <source>the audio data cannot be decoded ({detail})</source>
        <translation>音频数据无法解码（{detail}）</translation>
    </message>
    <message>
        <source>contains no audio (0 samples)</source>
        <translation>里面没有音频（0 个采样）</translation>
    </message>
    <message>
        <source>silent (no passage louder than -60 dBFS)</source>
        <translation>全是静音（没有一段响过 -60 dBFS）</translation>
    </message>
    <message>
        <source>no passage stands out from the background</source>
        <translation>没有哪一段声音能从背景里听出来</translation>
    </message>
    <message>
        <source>a sounding piece of {seconds:.2f} s between silences is shorter than {minimum:.0f} s</source>
        <translation>两段静音之间的这段声音只有 {seconds:.2f} 秒，短于 {minimum:.0f} 秒</translation>
    </message>
    <message>
        <source>clipped: {percent:.1f} % of samples in flat runs at full scale</source>
        <translation>爆音：{percent:.1f}% 的采样顶到了满幅</translation>
    </message>
    <message>
        <source>not an audio file (extension {extension})</source>
        <translation>不是音频文件（扩展名 {extension}）</translation>
    </message>
    <message>
        <source>{file}: recorded at {rate} Hz, so the voice learns nothing above {top} Hz</source>
        <translation>{file}：录音采样率为 {rate} Hz，所以音色学不到 {top} Hz 以上的声音</translation>
    </message>
    <message>
        <source>features: {extractors}, kept in {folder}</source>
        <translation>特征：{extractors}，保存在 {folder}</translation>
    </message>
    <message>
        <source>{file}: {channels} channels mixed down to mono</source>
        <translation>{file}：{channels} 个声道已混成单声道</translation>
    </message>
    <message>
        <source>no files found in {folder}</source>
        <translation>{folder} 里没有找到文件</translation>
    </message>
    <message>
        <source>no usable audio: every file was rejected (reasons below)</source>
        <translation>没有可用的音频：所有文件都没用上（原因见下）</translation>
    </message>
    <message>
        <source>only {minutes:.1f} min of audio; at least {recommended:.0f} min is recommended (with less, the base model&apos;s timbre stays audible and unseen notes break)</source>
        <translation>只有 {minutes:.1f} 分钟的音频；建议至少 {recommended:.0f} 分钟（太少的话，底模的音色会残留，没唱过的音也容易破）</translation>
    </message>
    <message>
        <source>Key shift</source>
        <extracomment>a conversion setting (``OptionError.option``, a ``ConvertOptions``/``CoverOptions`` field) -&gt; the words the pages label it with; never the field&apos;s or the command line&apos;s name.</extracomment>
        <translation>升降调</translation>
    </message>
    <message>
        <source>Automatic key</source>
        <translation>自动定调</translation>
    </message>
    <message>
        <source>Pitch method</source>
        <translation>音高提取方法</translation>
    </message>
    <message>
        <source>Unvoiced frames</source>
        <translation>无声帧</translation>
    </message>
    <message>
        <source>Noise scale</source>
        <translation>噪声强度</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>种子</translation>
    </message>
    <message>
        <source>Mute non-singing gaps</source>
        <translation>静音没有歌声的空隙</translation>
    </message>
    <message>
        <source>Silence threshold</source>
        <translation>静音阈值</translation>
    </message>
    <message>
        <source>Match the input&apos;s loudness</source>
        <translation>与输入的响度一致</translation>
    </message>
    <message>
        <source>Index</source>
        <translation>索引</translation>
    </message>
    <message>
        <source>Index neighbours</source>
        <translation>索引近邻数</translation>
    </message>
    <message>
        <source>Chunk length</source>
        <translation>分段长度</translation>
    </message>
    <message>
        <source>Chunk context</source>
        <translation>分段上下文</translation>
    </message>
    <message>
        <source>Crossfade</source>
        <translation>交叉淡化</translation>
    </message>
    <message>
        <source>Quality report</source>
        <translation>质量报告</translation>
    </message>
    <message>
        <source>Quality report length</source>
        <translation>质量报告时长</translation>
    </message>
    <message>
        <source>Longest input</source>
        <translation>最长输入</translation>
    </message>
    <message>
        <source>Repeatable results</source>
        <translation>可重复的结果</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <source>Vocal level</source>
        <translation>人声音量</translation>
    </message>
    <message>
        <source>Backing level</source>
        <translation>伴奏音量</translation>
    </message>
    <message>
        <source>Shift the backing with the key</source>
        <translation>伴奏跟着变调</translation>
    </message>
    <message>
        <source>Separation</source>
        <translation>分离</translation>
    </message>
    <message>
        <source>Block</source>
        <extracomment>a live conversion setting (``OptionError`` with ``settings=&quot;live&quot;``: a ``StreamOptions`` field) -&gt; the Live page&apos;s label for it (its &quot;context&quot; is not the Convert page&apos;s chunk context); fields the page does not show get words of their own.</extracomment>
        <translation>块长</translation>
    </message>
    <message>
        <source>Extra context</source>
        <translation>额外上下文</translation>
    </message>
    <message>
        <source>Lookahead</source>
        <translation>预读</translation>
    </message>
    <message>
        <source>Splice search range</source>
        <translation>拼接搜索范围</translation>
    </message>
    <message>
        <source>Decoder context</source>
        <translation>解码上下文</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>调</translation>
    </message>
    <message>
        <source>the disk is full</source>
        <extracomment>the OS&apos;s words for the commonest reasons a file cannot be written or read (a ``detail`` param is ``OSError.strerror``, compared with this system&apos;s ``os.strerror``); any other reason stays as the OS gave it.</extracomment>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>permission denied</source>
        <translation>没有权限</translation>
    </message>
    <message>
        <source>not permitted</source>
        <translation>不允许这样操作</translation>
    </message>
    <message>
        <source>the disk is read-only</source>
        <translation>磁盘是只读的</translation>
    </message>
    <message>
        <source>no such file or folder</source>
        <translation>没有这个文件或文件夹</translation>
    </message>
    <message>
        <source>a file is where a folder should be</source>
        <translation>应该是文件夹的地方是一个文件</translation>
    </message>
    <message>
        <source>it is a folder</source>
        <translation>这是一个文件夹</translation>
    </message>
    <message>
        <source> semitones</source>
        <extracomment>units a setting&apos;s bounds are given in (``OptionError`` params ``unit``).</extracomment>
        <translation> 个半音</translation>
    </message>
    <message>
        <source> seconds</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source> dB</source>
        <translation> dB</translation>
    </message>
    <message>
        <source>separating the vocal</source>
        <extracomment>a conversion&apos;s stages (``ConvertProgress.stage``, models/convert).</extracomment>
        <translation>分离人声</translation>
    </message>
    <message>
        <source>finding the pitch</source>
        <translation>提取音高</translation>
    </message>
    <message>
        <source>reading the singing</source>
        <translation>分析唱词和发音</translation>
    </message>
    <message>
        <source>singing in the new voice</source>
        <translation>用新音色演唱</translation>
    </message>
    <message>
        <source>finishing</source>
        <translation>收尾</translation>
    </message>
    <message>
        <source>searching the voice&apos;s recordings</source>
        <translation>检索音色的录音</translation>
    </message>
    <message>
        <source>measuring the quality</source>
        <translation>评估质量</translation>
    </message>
    <message>
        <source>Keep training</source>
        <extracomment>the training stop verdicts (models/training/validation.ValidationReport.verdict).</extracomment>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Keep watching</source>
        <translation>再观察一下</translation>
    </message>
    <message>
        <source>You can stop now</source>
        <translation>现在可以停了</translation>
    </message>
    <message>
        <source>Stop now</source>
        <translation>现在就停</translation>
    </message>
    <message>
        <source>default output device</source>
        <translation>默认播放设备</translation>
    </message>
    <message>
        <source>default input device</source>
        <translation>默认录音设备</translation>
    </message>
    <message>
        <source>output device “{name}”</source>
        <translation>播放设备“{name}”</translation>
    </message>
    <message>
        <source>input device “{name}”</source>
        <translation>录音设备“{name}”</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>{stage} {seconds:.2f} s</source>
        <translation>{stage} {seconds:.2f} 秒</translation>
    </message>
    <message>
        <source>{stage} ({done} of {total})</source>
        <translation>{stage}（{done}/{total}）</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>无</translation>
    </message>
    <message>
        <source>pitch error: median {median} cents, mean {mean} cents, {within}% within 50 cents ({frames} frames)</source>
        <translation>音准误差：中位数 {median} 音分，平均 {mean} 音分，{within}% 在 50 音分以内（共 {frames} 帧）</translation>
    </message>
    <message>
        <source>voicing agreement: {percent:.1f}%</source>
        <translation>发声一致：{percent:.1f}%</translation>
    </message>
    <message>
        <source>speaker similarity: to voice {voice}, to source {source}</source>
        <translation>音色相似度：与目标音色 {voice}，与原唱 {source}</translation>
    </message>
    <message>
        <source>note: {note}</source>
        <translation>提示：{note}</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>The best so far — step {step:,}: the lowest difference from the real voice on held-out recordings (the ★ on the plot). Recommended.</source>
        <translation>目前最好的——第 {step:,} 步：在留出的录音上与真实声音差距最小（图上的 ★）。推荐。</translation>
    </message>
    <message>
        <source>The latest — step {step:,}: the newest checkpoint, trained longest.</source>
        <translation>最新的——第 {step:,} 步：最新的检查点，训练时间最长。</translation>
    </message>
    <message>
        <source>Export voice</source>
        <translation>导出音色</translation>
    </message>
    <message>
        <source>Which version of the voice:</source>
        <translation>导出音色的哪个版本：</translation>
    </message>
    <message>
        <source>{kind} — step {step:,}</source>
        <translation>{kind}——第 {step:,} 步</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
</context>
<context>
    <name>IndexSlider</name>
    <message>
        <source>Pulls the sound of the words toward the voice&apos;s own recordings: more of the voice&apos;s accent and timbre, a little less clarity. 0 % leaves the conversion as it is.</source>
        <translation>让咬字的声音更贴近这个音色自己的录音：口音和音色更像，清晰度略降。0 % 表示不改变转换结果。</translation>
    </message>
    <message>
        <source>This voice has no index yet: build one on the Library page (Build index…).</source>
        <translation>这个音色还没有索引：请在“音色库”页面创建（创建索引…）。</translation>
    </message>
    <message>
        <source>this voice has no index yet (Library: Build index…)</source>
        <translation>这个音色还没有索引（音色库：创建索引…）</translation>
    </message>
</context>
<context>
    <name>JobPageMixin</name>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>{name}…</source>
        <translation>{name}…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>{name} failed: {reason}</source>
        <translation>{name}失败：{reason}</translation>
    </message>
    <message>
        <source>{name} failed</source>
        <translation>{name}失败</translation>
    </message>
</context>
<context>
    <name>JobRunner</name>
    <message>
        <source>Cannot start &apos;{name}&apos;: the application is closing.</source>
        <translation>无法开始“{name}”：程序正在退出。</translation>
    </message>
    <message>
        <source>Cannot start &apos;{name}&apos; while &apos;{running}&apos; is running: only one job uses the compute device at a time. Wait for it to finish or stop it first.</source>
        <translation>“{running}”正在运行，无法开始“{name}”：计算设备一次只能做一件事。请等它完成，或先停止它。</translation>
    </message>
</context>
<context>
    <name>LibraryPage</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据时长</translation>
    </message>
    <message>
        <source>Steps trained</source>
        <translation>已训练步数</translation>
    </message>
    <message>
        <source>Extractors</source>
        <translation>特征提取器</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Singer</source>
        <translation>歌手</translation>
    </message>
    <message>
        <source>Training a new voice (standard)</source>
        <translation>训练新音色（标准）</translation>
    </message>
    <message>
        <source>Fine-tuning the so-vits-svc-5.0 pretrain (its own voice vectors)</source>
        <translation>微调 so-vits-svc-5.0 底模（使用它自己的音色向量）</translation>
    </message>
    <message>
        <source>56 ready-made singers appear here once the so-vits-svc-5.0 pretrain is downloaded: open the setup to get it.</source>
        <translation>下载 so-vits-svc-5.0 底模后，这里会出现 56 位现成的歌手：打开模型设置即可下载。</translation>
    </message>
    <message>
        <source>Cancelled; nothing was added.</source>
        <translation>已取消，没有添加任何内容。</translation>
    </message>
    <message>
        <source>New voice from folder…</source>
        <translation>从文件夹新建音色…</translation>
    </message>
    <message>
        <source>Prepare a folder of recordings as a training dataset</source>
        <translation>把一个装有录音的文件夹整理成训练数据集</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>VoiceCraft voice folder…</source>
        <translation>VoiceCraft 音色文件夹…</translation>
    </message>
    <message>
        <source>VoiceCraft voice zip…</source>
        <translation>VoiceCraft 音色压缩包…</translation>
    </message>
    <message>
        <source>so-vits-svc-5.0 model (.pth + singer .npy)…</source>
        <translation>so-vits-svc-5.0 模型（.pth + 歌手 .npy）…</translation>
    </message>
    <message>
        <source>Export zip…</source>
        <translation>导出压缩包…</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Play preview</source>
        <translation>试听</translation>
    </message>
    <message>
        <source>Instant voice…</source>
        <translation>即时音色…</translation>
    </message>
    <message>
        <source>A voice from 10 to 60 s of your singing, ready at once (no training)</source>
        <translation>用你 10 到 60 秒的演唱直接做出音色，马上能用（无需训练）</translation>
    </message>
    <message>
        <source>Mix voices…</source>
        <translation>混合音色…</translation>
    </message>
    <message>
        <source>A new voice blended from base singers, your voices or a recording</source>
        <translation>把内置歌手、你的音色或一段录音混合成新音色</translation>
    </message>
    <message>
        <source>Build index…</source>
        <translation>创建索引…</translation>
    </message>
    <message>
        <source>Let conversions lean on recordings of this voice (the Index slider)</source>
        <translation>让转换参考这个音色的录音（即“索引”滑块）</translation>
    </message>
    <message>
        <source>Improve by training</source>
        <translation>训练以改进</translation>
    </message>
    <message>
        <source>Prepare this instant voice&apos;s recordings and train it from the pretrain</source>
        <translation>整理这个即时音色的录音，并从底模开始训练</translation>
    </message>
    <message>
        <source>Choose “Fine-tuning the so-vits-svc-5.0 pretrain” to train from the pretrain or to mix the voice with base singers later; it needs the pretrain&apos;s speaker encoder file.</source>
        <translation>如果想从底模开始训练，或以后要和内置歌手混合，请选“微调 so-vits-svc-5.0 底模”；这需要底模的声纹编码器文件。</translation>
    </message>
    <message>
        <source>Preview singer</source>
        <translation>试听歌手</translation>
    </message>
    <message>
        <source>Add to my voices</source>
        <translation>加入我的音色</translation>
    </message>
    <message>
        <source>Open setup…</source>
        <translation>打开模型设置…</translation>
    </message>
    <message>
        <source>No voices yet. Use “New voice from folder…” to prepare your recordings, or import a voice.</source>
        <translation>还没有音色。用“从文件夹新建音色…”整理你的录音，或者导入一个音色。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Preparation report</source>
        <translation>整理报告</translation>
    </message>
    <message>
        <source>New datasets are for:</source>
        <translation>新数据集用于：</translation>
    </message>
    <message>
        <source>My voices</source>
        <translation>我的音色</translation>
    </message>
    <message>
        <source>Datasets (prepared recordings, not trained yet)</source>
        <translation>数据集（已整理的录音，尚未训练）</translation>
    </message>
    <message>
        <source>Base singers (ready to use, no training)</source>
        <translation>内置歌手（直接可用，无需训练）</translation>
    </message>
    <message>
        <source>in My voices</source>
        <translation>已在“我的音色”中</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>ready (a small file is downloaded when first used)</source>
        <translation>可用（首次使用时会下载一个小文件）</translation>
    </message>
    <message>
        <source>unavailable: {problem}</source>
        <translation>不可用：{problem}</translation>
    </message>
    <message>
        <source>imported (so-vits-svc-5.0)</source>
        <translation>已导入（so-vits-svc-5.0）</translation>
    </message>
    <message>
        <source>trained voice</source>
        <translation>训练好的音色</translation>
    </message>
    <message>
        <source>{steps} (best) of {trained}</source>
        <translation>{steps}（最佳）/ 共 {trained}</translation>
    </message>
    <message>
        <source>none (ready to use)</source>
        <translation>无（直接可用）</translation>
    </message>
    <message>
        <source>This voice has no preview clip yet</source>
        <translation>这个音色还没有试听片段</translation>
    </message>
    <message>
        <source>Slicing recordings</source>
        <translation>正在切分录音</translation>
    </message>
    <message>
        <source>Extracting features</source>
        <translation>正在提取特征</translation>
    </message>
    <message>
        <source>{what}: {done} of {total} — {item}</source>
        <translation>{what}：{done} / {total} — {item}</translation>
    </message>
    <message>
        <source>Listening to your recording: {item}</source>
        <translation>正在分析你的录音：{item}</translation>
    </message>
    <message>
        <source>Building the index: {done} of {total} — {name}</source>
        <translation>正在创建索引：{done} / {total} — {name}</translation>
    </message>
    <message>
        <source>Folder of recordings</source>
        <translation>录音所在的文件夹</translation>
    </message>
    <message>
        <source>New voice</source>
        <translation>新音色</translation>
    </message>
    <message>
        <source>Name of the voice:</source>
        <translation>音色名称：</translation>
    </message>
    <message>
        <source>Name taken</source>
        <translation>名称已被占用</translation>
    </message>
    <message>
        <source>The dataset of “{name}” is stored under the same folder name as “{name1}”.

Choose another name, or delete that dataset first.</source>
        <translation>“{name}”的数据集和“{name1}”存放在同名文件夹中。

请换一个名称，或先删除那个数据集。</translation>
    </message>
    <message>
        <source>Dataset exists</source>
        <translation>数据集已存在</translation>
    </message>
    <message>
        <source>A dataset for “{name}” exists ({clips} clips).

Replace it with this folder&apos;s recordings? It is kept as it is until the new one is complete, and if preparing fails.</source>
        <translation>“{name}”已有一个数据集（{clips} 个片段）。

要用这个文件夹的录音替换它吗？新数据集完成之前旧的会原样保留，整理失败时也不会丢失。</translation>
    </message>
    <message>
        <source>Preparing {folder} as “{name}”…</source>
        <translation>正在把 {folder} 整理为“{name}”…</translation>
    </message>
    <message>
        <source>New voice “{name}”</source>
        <translation>新音色“{name}”</translation>
    </message>
    <message>
        <source>Dataset ready in {dataset_dir}. Train it on the Train page.</source>
        <translation>数据集已就绪：{dataset_dir}。请到“训练”页面训练。</translation>
    </message>
    <message>
        <source>No usable clips: nothing was written (the reasons are in the report).</source>
        <translation>没有可用的片段，什么也没有写入（原因见报告）。</translation>
    </message>
    <message>
        <source>Clips prepared in {dataset_dir} (no features).</source>
        <translation>片段已整理到 {dataset_dir}（未提取特征）。</translation>
    </message>
    <message>
        <source>VoiceCraft voice folder</source>
        <translation>VoiceCraft 音色文件夹</translation>
    </message>
    <message>
        <source>VoiceCraft voice zip</source>
        <translation>VoiceCraft 音色压缩包</translation>
    </message>
    <message>
        <source>Voice zip (*.zip)</source>
        <translation>音色压缩包 (*.zip)</translation>
    </message>
    <message>
        <source>so-vits-svc-5.0 model</source>
        <translation>so-vits-svc-5.0 模型</translation>
    </message>
    <message>
        <source>PyTorch model (*.pth *.pt)</source>
        <translation>PyTorch 模型 (*.pth *.pt)</translation>
    </message>
    <message>
        <source>Singer vector (.npy) for this model</source>
        <translation>这个模型的歌手向量（.npy）</translation>
    </message>
    <message>
        <source>Singer vector (*.npy)</source>
        <translation>歌手向量 (*.npy)</translation>
    </message>
    <message>
        <source>Import {file}</source>
        <translation>导入 {file}</translation>
    </message>
    <message>
        <source>Imported “{name}”.</source>
        <translation>已导入“{name}”。</translation>
    </message>
    <message>
        <source>Imported voice “{name}”</source>
        <translation>已导入音色“{name}”</translation>
    </message>
    <message>
        <source>Export voice</source>
        <translation>导出音色</translation>
    </message>
    <message>
        <source>Export “{name}”</source>
        <translation>导出“{name}”</translation>
    </message>
    <message>
        <source>Exported to {path}</source>
        <translation>已导出到 {path}</translation>
    </message>
    <message>
        <source>Exported {file}</source>
        <translation>已导出 {file}</translation>
    </message>
    <message>
        <source>Rename voice</source>
        <translation>重命名音色</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <source>Cannot rename the voice</source>
        <translation>无法重命名音色</translation>
    </message>
    <message>
        <source>dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>voice</source>
        <translation>音色</translation>
    </message>
    <message>
        <source>Delete {what}</source>
        <translation>删除{what}</translation>
    </message>
    <message>
        <source>Delete the {what} “{label}”?

Its folder {folder} will be erased. This cannot be undone.</source>
        <translation>删除{what}“{label}”？

它的文件夹 {folder} 将被清除，且无法恢复。</translation>
    </message>
    <message>
        <source>Cannot delete</source>
        <translation>无法删除</translation>
    </message>
    <message>
        <source>Cannot play the preview</source>
        <translation>无法播放试听</translation>
    </message>
    <message>
        <source>Stop preview</source>
        <translation>停止试听</translation>
    </message>
    <message>
        <source>“{name}” is ready ({what}): choose it on the Convert page.</source>
        <translation>“{name}”已就绪（{what}）：可在“转换”页面选用。</translation>
    </message>
    <message>
        <source>Added voice “{name}”</source>
        <translation>已添加音色“{name}”</translation>
    </message>
    <message>
        <source>Recordings of your singing (10 to 60 s in all)</source>
        <translation>你的演唱录音（总共 10 到 60 秒）</translation>
    </message>
    <message>
        <source>Audio (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus)</source>
        <translation>音频 (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus)</translation>
    </message>
    <message>
        <source>Instant voice</source>
        <translation>即时音色</translation>
    </message>
    <message>
        <source>Making “{name}” from {files}…</source>
        <translation>正在用 {files} 制作“{name}”…</translation>
    </message>
    <message>
        <source>Instant voice “{name}”</source>
        <translation>即时音色“{name}”</translation>
    </message>
    <message>
        <source>an instant voice</source>
        <translation>即时音色</translation>
    </message>
    <message>
        <source>Recordings of “{name}” singing</source>
        <translation>“{name}”的演唱录音</translation>
    </message>
    <message>
        <source>Index for “{name}”</source>
        <translation>“{name}”的索引</translation>
    </message>
    <message>
        <source>Cannot improve the voice</source>
        <translation>无法改进音色</translation>
    </message>
    <message>
        <source>The recordings “{name}” was made from are gone ({files}). Use “New voice from folder…” with recordings of the voice instead.</source>
        <translation>制作“{name}”所用的录音已经不在了（{files}）。请改用“从文件夹新建音色…”，选择这个音色的录音。</translation>
    </message>
    <message>
        <source>Preparing the recordings of “{name}” for training…</source>
        <translation>正在整理“{name}”的录音以便训练…</translation>
    </message>
    <message>
        <source>Improve “{name}”</source>
        <translation>改进“{name}”</translation>
    </message>
    <message>
        <source>“{name}” is ready to train from the pretrain</source>
        <translation>“{name}”已可以从底模开始训练</translation>
    </message>
    <message>
        <source>A phrase to hear the singer on (a few seconds of singing)</source>
        <translation>用来试听歌手的一句（几秒钟的演唱）</translation>
    </message>
    <message>
        <source>{label} on “{name}” is ready, but cannot be played: {exc}</source>
        <translation>用“{name}”试听{label}已就绪，但无法播放：{exc}</translation>
    </message>
    <message>
        <source>Playing {label} on the first seconds of “{name}”.</source>
        <translation>正在用“{name}”的开头几秒试听{label}。</translation>
    </message>
    <message>
        <source>Preview of {singer}</source>
        <translation>试听 {singer}</translation>
    </message>
    <message>
        <source>Add {singer}</source>
        <translation>添加 {singer}</translation>
    </message>
    <message>
        <source>a base singer of the pretrain</source>
        <translation>底模的内置歌手</translation>
    </message>
    <message>
        <source>instant voice (not trained yet; “Improve by training” makes it closer)</source>
        <translation>即时音色（尚未训练；“训练以改进”能让它更像）</translation>
    </message>
    <message>
        <source>timbre mix: {parts}</source>
        <translation>音色混合：{parts}</translation>
    </message>
    <message>
        <source>merged: {parts}</source>
        <translation>模型融合：{parts}</translation>
    </message>
    <message>
        <source>base singer {number} of the pretrain</source>
        <translation>底模内置歌手 {number}</translation>
    </message>
</context>
<context>
    <name>LiveInputView</name>
    <message>
        <source>Pitch</source>
        <translation>音高</translation>
    </message>
</context>
<context>
    <name>LivePage</name>
    <message>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>Look for audio devices again (after plugging in headphones or a microphone)</source>
        <translation>重新查找音频设备（插上耳机或麦克风之后）</translation>
    </message>
    <message>
        <source>{ms} ms</source>
        <translation>{ms} 毫秒</translation>
    </message>
    <message>
        <source>Shorter blocks: less delay, more work per second</source>
        <translation>块越短，延迟越小，但每秒的计算量越大</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>How much of what you just sang the voice hears with each block</source>
        <translation>每一块转换时，音色能“听到”你刚才唱的多长一段</translation>
    </message>
    <message>
        <source> ms</source>
        <translation> 毫秒</translation>
    </message>
    <message>
        <source>Blend between blocks: longer is smoother, and adds delay</source>
        <translation>块与块之间的交叉淡化：越长越平滑，但延迟也越大</translation>
    </message>
    <message>
        <source> semitones</source>
        <translation> 个半音</translation>
    </message>
    <message>
        <source>Pass-through (hear yourself, unconverted)</source>
        <translation>直通（听自己的原声，不转换）</translation>
    </message>
    <message>
        <source>▶ Start</source>
        <translation>▶ 开始</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ 停止</translation>
    </message>
    <message>
        <source>Voice and devices</source>
        <translation>音色与设备</translation>
    </message>
    <message>
        <source>Voice</source>
        <translation>音色</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>麦克风</translation>
    </message>
    <message>
        <source>Headphones</source>
        <translation>耳机</translation>
    </message>
    <message>
        <source>Sound</source>
        <translation>声音</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>调</translation>
    </message>
    <message>
        <source>Block</source>
        <translation>块长</translation>
    </message>
    <message>
        <source>Extra context</source>
        <translation>额外上下文</translation>
    </message>
    <message>
        <source>Crossfade</source>
        <translation>交叉淡化</translation>
    </message>
    <message>
        <source>Your voice</source>
        <translation>你的声音</translation>
    </message>
    <message>
        <source>Converted</source>
        <translation>转换后</translation>
    </message>
    <message>
        <source>Monitor mix</source>
        <translation>监听混合</translation>
    </message>
    <message>
        <source>In</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Out</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>What you sing</source>
        <translation>你唱的</translation>
    </message>
    <message>
        <source>What you hear</source>
        <translation>你听到的</translation>
    </message>
    <message>
        <source>  — default</source>
        <translation>  — 默认</translation>
    </message>
    <message>
        <source>no microphone was found</source>
        <translation>没有找到麦克风</translation>
    </message>
    <message>
        <source>no headphones or speakers were found</source>
        <translation>没有找到耳机或音箱</translation>
    </message>
    <message>
        <source>Live conversion needs a microphone and headphones: {reason}. Connect them (or start your sound server) and press Rescan.</source>
        <translation>实时转换需要麦克风和耳机：{reason}。请连接它们（或启动声音服务），然后点“重新扫描”。</translation>
    </message>
    <message>
        <source>Choose a voice first (make or import one on the Library page).</source>
        <translation>请先选择一个音色（在“音色库”页面制作或导入）。</translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <source>Load {name} for live use</source>
        <translation>加载 {name} 用于实时转换</translation>
    </message>
    <message>
        <source>The voice could not be loaded: {message}</source>
        <translation>无法加载这个音色：{message}</translation>
    </message>
    <message>
        <source>Live: sing! Press Stop to end.</source>
        <translation>实时转换中：唱吧！点“停止”结束。</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
    <message>
        <source>Live conversion stopped.</source>
        <translation>实时转换已停止。</translation>
    </message>
    <message>
        <source>Latency {ms:.0f} ms (block, crossfade and lookahead)</source>
        <translation>延迟 {ms:.0f} 毫秒（块长、交叉淡化和预读）</translation>
    </message>
    <message>
        <source> + {ms:.0f} ms for converting each block in time</source>
        <translation> + {ms:.0f} 毫秒（及时转换每一块所需）</translation>
    </message>
    <message>
        <source> + {ms:.0f} ms in the devices</source>
        <translation> + 设备中的 {ms:.0f} 毫秒</translation>
    </message>
    <message>
        <source>  ·  processing {typical:.0f} ms typical, {worst:.0f} ms worst (last 10 s) of {block:.0f} ms per block  ·  dropouts {dropouts}  ·  late blocks {late}</source>
        <translation>  ·  处理用时：通常 {typical:.0f} 毫秒，最慢 {worst:.0f} 毫秒（最近 10 秒），每块 {block:.0f} 毫秒  ·  断音 {dropouts}  ·  迟到的块 {late}</translation>
    </message>
    <message>
        <source>  ·  dropped blocks {skipped}</source>
        <translation>  ·  丢弃的块 {skipped}</translation>
    </message>
    <message>
        <source>This computer cannot convert this voice live: a {block:.0f} ms block takes {typical:.0f} ms to convert (worst {worst:.0f} ms), so blocks are passed through unconverted. Try a longer block, the graphics card (Settings), or a smaller voice.</source>
        <translation>这台电脑无法实时转换这个音色：一个 {block:.0f} 毫秒的块需要 {typical:.0f} 毫秒来转换（最慢 {worst:.0f} 毫秒），所以这些块会不经转换直接输出。可以试试更长的块、使用显卡（见“设置”），或者换一个更小的音色。</translation>
    </message>
    <message>
        <source>If it keeps happening, choose a longer block or close other programs.</source>
        <translation>如果一直这样，请选更长的块，或关掉其他程序。</translation>
    </message>
    <message>
        <source>The sound had a gap: the computer was busy, or the output device stopped for a moment.</source>
        <translation>声音断了一下：电脑太忙，或播放设备短暂停顿了。</translation>
    </message>
    <message numerus="yes">
        <source>The sound had %n gaps: the computer was busy, or the output device stopped for a moment.</source>
        <translation>
            <numerusform>声音断了 %n 次：电脑太忙，或播放设备短暂停顿了。</numerusform>
        </translation>
    </message>
    <message>
        <source>Latency when started: {ms:.0f} ms (block, crossfade and lookahead) plus the processing time</source>
        <translation>开始后的延迟：{ms:.0f} 毫秒（块长、交叉淡化和预读）加上处理时间</translation>
    </message>
    <message>
        <source>Pass-through: your voice, unconverted</source>
        <translation>直通：你的原声，不转换</translation>
    </message>
    <message>
        <source>Choose a voice, put on headphones, and press Start.</source>
        <translation>选择一个音色，戴上耳机，然后点“开始”。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Record</source>
        <translation>录音</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>音色库</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Convert</source>
        <translation>转换</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>VoiceCraft Desktop</source>
        <translation>VoiceCraft Desktop</translation>
    </message>
    <message>
        <source>Loading the engine</source>
        <translation>正在加载引擎</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Play</source>
        <translation>播放(&amp;P)</translation>
    </message>
    <message>
        <source>Play / stop</source>
        <translation>播放 / 停止</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>VoiceCraft &amp;help</source>
        <translation>VoiceCraft 帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About VoiceCraft</source>
        <translation>关于 VoiceCraft(&amp;A)</translation>
    </message>
    <message>
        <source>About VoiceCraft Desktop</source>
        <translation>关于 VoiceCraft Desktop</translation>
    </message>
    <message>
        <source>Device: {device}</source>
        <translation>设备：{device}</translation>
    </message>
    <message>
        <source> ({device} not available)</source>
        <translation>（{device} 不可用）</translation>
    </message>
    <message>
        <source>Started: {name}</source>
        <translation>已开始：{name}</translation>
    </message>
    <message>
        <source>Running: {jobs}</source>
        <translation>运行中：{jobs}</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <source>{error}

The details are in the log file:
{path}</source>
        <translation>{error}

详细信息在日志文件中：
{path}</translation>
    </message>
    <message>
        <source>Quit VoiceCraft?</source>
        <translation>退出 VoiceCraft？</translation>
    </message>
    <message>
        <source>These jobs are still running:
{names}

Stop them and quit? Training keeps its last checkpoint and can be resumed.</source>
        <translation>这些任务还在运行：
{names}

停止它们并退出吗？训练会保留最近的检查点，之后可以继续。</translation>
    </message>
    <message>
        <source>Quitting VoiceCraft</source>
        <translation>正在退出 VoiceCraft</translation>
    </message>
    <message>
        <source>Quit now</source>
        <translation>立即退出</translation>
    </message>
    <message>
        <source>Stopping running jobs…</source>
        <translation>正在停止运行中的任务…</translation>
    </message>
    <message>
        <source>running jobs</source>
        <translation>运行中的任务</translation>
    </message>
    <message>
        <source>Stopping {jobs}… ({seconds:.0f} s)</source>
        <translation>正在停止 {jobs}…（{seconds:.0f} 秒）</translation>
    </message>
    <message>
        <source>Training finishes its step and keeps its last checkpoint: it can be resumed.</source>
        <translation>训练会完成当前这一步并保留最近的检查点，之后可以继续。</translation>
    </message>
    <message>
        <source>Ending what has not stopped…</source>
        <translation>正在结束尚未停止的任务…</translation>
    </message>
    <message>
        <source>Loading {title}…
The engine is starting; this takes a few seconds the first time.</source>
        <translation>正在加载“{title}”…
引擎正在启动，第一次需要几秒钟。</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <source>Singing voice conversion (whisper-vits-svc / so-vits-svc-5.0 model family).</source>
        <translation>歌声转换（whisper-vits-svc / so-vits-svc-5.0 模型系列）。</translation>
    </message>
    <message>
        <source>Model files (downloaded on first use):</source>
        <translation>模型文件（首次使用时下载）：</translation>
    </message>
</context>
<context>
    <name>MixerDialog</name>
    <message>
        <source>Audio (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus)</source>
        <translation>音频 (*.wav *.flac *.ogg *.mp3 *.aif *.aiff *.opus)</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Mix voices</source>
        <translation>混合音色</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Add two or more voices, then set how much of each you want.</source>
        <translation>添加两个或更多音色，再设定每个音色所占的比例。</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Listen</source>
        <translation>试听</translation>
    </message>
    <message>
        <source>Listen while I move the sliders</source>
        <translation>拖动滑块时自动试听</translation>
    </message>
    <message>
        <source>Name of the new voice</source>
        <translation>新音色的名称</translation>
    </message>
    <message>
        <source>Save voice</source>
        <translation>保存音色</translation>
    </message>
    <message>
        <source>Add to the mix:</source>
        <translation>加入混合：</translation>
    </message>
    <message>
        <source>Phrase to listen on:</source>
        <translation>试听用的乐句：</translation>
    </message>
    <message>
        <source>Name of the merged voice</source>
        <translation>融合后音色的名称</translation>
    </message>
    <message>
        <source>Save merged voice</source>
        <translation>保存融合音色</translation>
    </message>
    <message>
        <source>Averages the two voices&apos; models (as so-vits-svc-5.0&apos;s merge does). Both must have the same model sizes, e.g. two voices trained from the same base.</source>
        <translation>把两个音色的模型取平均（与 so-vits-svc-5.0 的模型融合相同）。两者的模型规格必须一致，例如从同一个底模训练出的两个音色。</translation>
    </message>
    <message>
        <source>First voice:</source>
        <translation>第一个音色：</translation>
    </message>
    <message>
        <source>Second voice:</source>
        <translation>第二个音色：</translation>
    </message>
    <message>
        <source>Share of the first:</source>
        <translation>第一个所占比例：</translation>
    </message>
    <message>
        <source>Mix</source>
        <translation>混合</translation>
    </message>
    <message>
        <source>Merge</source>
        <translation>融合</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>singer</source>
        <translation>歌手</translation>
    </message>
    <message>
        <source>voice</source>
        <translation>音色</translation>
    </message>
    <message>
        <source>A recording…</source>
        <translation>一段录音…</translation>
    </message>
    <message>
        <source>Recordings of a voice (10 to 60 s)</source>
        <translation>某个声音的录音（10 到 60 秒）</translation>
    </message>
    <message>
        <source>Fetching the singer</source>
        <translation>正在读取歌手</translation>
    </message>
    <message>
        <source>Listening to the recording</source>
        <translation>正在分析录音</translation>
    </message>
    <message>
        <source>Added {name}.</source>
        <translation>已添加 {name}。</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>{name} ({kind})</source>
        <translation>{name}（{kind}）</translation>
    </message>
    <message>
        <source>none yet: record a take, or choose a file</source>
        <translation>还没有：录一段，或选择一个文件</translation>
    </message>
    <message>
        <source>A phrase to listen on (a few seconds of singing)</source>
        <translation>用来试听的乐句（几秒钟的演唱）</translation>
    </message>
    <message>
        <source>Choose a phrase to listen on first (or record a take).</source>
        <translation>请先选择一个试听用的乐句（或录一段）。</translation>
    </message>
    <message>
        <source>Cannot listen: {exc}</source>
        <translation>无法试听：{exc}</translation>
    </message>
    <message>
        <source>Listening to the mix</source>
        <translation>正在生成混合试听</translation>
    </message>
    <message>
        <source>Playing the mix on the first seconds of the phrase.</source>
        <translation>正在用乐句的开头几秒播放混合效果。</translation>
    </message>
    <message>
        <source>The preview is ready but cannot be played: {exc}</source>
        <translation>试听已生成，但无法播放：{exc}</translation>
    </message>
    <message>
        <source>Cannot save: {exc}</source>
        <translation>无法保存：{exc}</translation>
    </message>
    <message>
        <source>Saving “{name}”</source>
        <translation>正在保存“{name}”</translation>
    </message>
    <message>
        <source>Choose two different voices to merge.</source>
        <translation>请选择两个不同的音色来融合。</translation>
    </message>
    <message>
        <source>Merging into “{name}”</source>
        <translation>正在融合为“{name}”</translation>
    </message>
    <message>
        <source>“{name}” is in My voices: choose it on the Convert page.</source>
        <translation>“{name}”已在“我的音色”中：可在“转换”页面选用。</translation>
    </message>
    <message>
        <source>base singer</source>
        <translation>内置歌手</translation>
    </message>
    <message>
        <source>your voice</source>
        <translation>你的音色</translation>
    </message>
    <message>
        <source>recording</source>
        <translation>录音</translation>
    </message>
</context>
<context>
    <name>PitchEditor</name>
    <message>
        <source>Pitch CSV, time and Hz (*.csv);;so-vits-svc pitch file (*.pit.csv)</source>
        <translation>音高 CSV，时间与 Hz (*.csv);;so-vits-svc 音高文件 (*.pit.csv)</translation>
    </message>
    <message>
        <source>undo {edit}</source>
        <translation>撤销{edit}</translation>
    </message>
    <message>
        <source>✎ Edit pitch</source>
        <translation>✎ 修改音高</translation>
    </message>
    <message>
        <source>Correct the pitch the converted voice sings, then hear it</source>
        <translation>修正转换后音色唱出的音高，然后试听</translation>
    </message>
    <message>
        <source>Open edited conversion…</source>
        <translation>打开修改过的转换…</translation>
    </message>
    <message>
        <source>Reopen a conversion exported earlier, with its pitch edits, to keep editing it</source>
        <translation>重新打开之前导出的转换（连同它的音高修改），继续编辑</translation>
    </message>
    <message>
        <source>Select</source>
        <translation>选择</translation>
    </message>
    <message>
        <source>Draw</source>
        <translation>绘制</translation>
    </message>
    <message>
        <source>Snap to notes</source>
        <translation>吸附到音符</translation>
    </message>
    <message>
        <source>Selection an octave down</source>
        <translation>选区降一个八度</translation>
    </message>
    <message>
        <source>Selection a semitone down</source>
        <translation>选区降一个半音</translation>
    </message>
    <message>
        <source>Selection a semitone up</source>
        <translation>选区升一个半音</translation>
    </message>
    <message>
        <source>Selection an octave up</source>
        <translation>选区升一个八度</translation>
    </message>
    <message>
        <source>Unvoiced</source>
        <translation>设为无声</translation>
    </message>
    <message>
        <source>No pitch in the selection (breaths, consonants)</source>
        <translation>选区内没有音高（换气、辅音）</translation>
    </message>
    <message>
        <source>Voiced</source>
        <translation>设为有声</translation>
    </message>
    <message>
        <source>Give the selection a pitch (joined from its neighbours)</source>
        <translation>给选区加上音高（由前后的音高连接而成）</translation>
    </message>
    <message>
        <source>Smooth</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>vibrato × </source>
        <translation>颤音 × </translation>
    </message>
    <message>
        <source>0 flattens the vibrato, 1 keeps it, 2 doubles it</source>
        <translation>0 去掉颤音，1 保持不变，2 加倍</translation>
    </message>
    <message>
        <source>Set vibrato</source>
        <translation>设置颤音</translation>
    </message>
    <message>
        <source>Fix octave jumps</source>
        <translation>修正八度跳变</translation>
    </message>
    <message>
        <source>Apply fixes</source>
        <translation>应用修正</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <source>↶ Undo</source>
        <translation>↶ 撤销</translation>
    </message>
    <message>
        <source>↷ Redo</source>
        <translation>↷ 重做</translation>
    </message>
    <message>
        <source>Zoom +</source>
        <translation>放大 +</translation>
    </message>
    <message>
        <source>Zoom −</source>
        <translation>缩小 −</translation>
    </message>
    <message>
        <source>Whole song</source>
        <translation>整首歌</translation>
    </message>
    <message>
        <source>▶ From cursor</source>
        <translation>▶ 从光标处播放</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Selection:</source>
        <translation>选区：</translation>
    </message>
    <message>
        <source>Pitch file:</source>
        <translation>音高文件：</translation>
    </message>
    <message>
        <source>proposed fix</source>
        <translation>建议的修正</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Convert a song first; its pitch can then be edited here</source>
        <translation>请先转换一首歌，之后就能在这里修改它的音高</translation>
    </message>
    <message>
        <source>Drag across the pitch plot to select; click to place the cursor.</source>
        <translation>在音高图上拖动来选择；单击放置光标。</translation>
    </message>
    <message>
        <source>Pitch edit “{edit}”: nothing changed.</source>
        <translation>音高修改“{edit}”：没有变化。</translation>
    </message>
    <message>
        <source>Select a region of the pitch plot first (drag across it).</source>
        <translation>请先在音高图上选一个区域（拖动选择）。</translation>
    </message>
    <message>
        <source>an octave up</source>
        <translation>升一个八度</translation>
    </message>
    <message>
        <source>an octave down</source>
        <translation>降一个八度</translation>
    </message>
    <message>
        <source>a semitone up</source>
        <translation>升一个半音</translation>
    </message>
    <message>
        <source>a semitone down</source>
        <translation>降一个半音</translation>
    </message>
    <message numerus="yes">
        <source>%n semitones up</source>
        <translation>
            <numerusform>升 %n 个半音</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n semitones down</source>
        <translation>
            <numerusform>降 %n 个半音</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot mark voiced: {reason}</source>
        <translation>无法设为有声：{reason}</translation>
    </message>
    <message>
        <source>voiced</source>
        <translation>设为有声</translation>
    </message>
    <message>
        <source>unvoiced</source>
        <translation>设为无声</translation>
    </message>
    <message>
        <source>smooth</source>
        <translation>平滑</translation>
    </message>
    <message>
        <source>flatten vibrato</source>
        <translation>去掉颤音</translation>
    </message>
    <message>
        <source>vibrato × {factor:g}</source>
        <translation>颤音 × {factor:g}</translation>
    </message>
    <message>
        <source>Cannot draw there: {reason}</source>
        <translation>无法在那里绘制：{reason}</translation>
    </message>
    <message>
        <source>draw</source>
        <translation>手绘</translation>
    </message>
    <message>
        <source>No octave jumps found in the selection.</source>
        <translation>选区内没有发现八度跳变。</translation>
    </message>
    <message>
        <source>No octave jumps found.</source>
        <translation>没有发现八度跳变。</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>1 octave jump found ({seconds:.2f} s), proposed fix in green: {listed}. Apply fixes or Discard.</source>
        <translation>发现 1 处八度跳变（{seconds:.2f} 秒），绿色是建议的修正：{listed}。请选择“应用修正”或“放弃”。</translation>
    </message>
    <message numerus="yes">
        <source>%n octave jumps found ({seconds:.2f} s), proposed fix in green: {listed}. Apply fixes or Discard.</source>
        <translation>
            <numerusform>发现 %n 处八度跳变（{seconds:.2f} 秒），绿色是建议的修正：{listed}。请选择“应用修正”或“放弃”。</numerusform>
        </translation>
    </message>
    <message>
        <source>fix 1 octave jump</source>
        <translation>修正 1 处八度跳变</translation>
    </message>
    <message numerus="yes">
        <source>fix %n octave jumps</source>
        <translation>
            <numerusform>修正 %n 处八度跳变</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n octaves up</source>
        <translation>
            <numerusform>升 %n 个八度</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n octaves down</source>
        <translation>
            <numerusform>降 %n 个八度</numerusform>
        </translation>
    </message>
    <message>
        <source>{start:.2f}–{stop:.2f} s: {way}</source>
        <translation>{start:.2f}–{stop:.2f} 秒：{way}</translation>
    </message>
    <message>
        <source>Pitch file not used: {reason}</source>
        <translation>没有使用这个音高文件：{reason}</translation>
    </message>
    <message>
        <source>import {file}</source>
        <translation>导入 {file}</translation>
    </message>
    <message>
        <source>Pitch curve exported to {path}</source>
        <translation>音高曲线已导出到 {path}</translation>
    </message>
    <message>
        <source>Pitch curve to use</source>
        <translation>要使用的音高曲线</translation>
    </message>
    <message>
        <source>Export the pitch curve</source>
        <translation>导出音高曲线</translation>
    </message>
    <message>
        <source>Pitch edit “{edit}”: waiting for the re-synthesis in progress…</source>
        <translation>音高修改“{edit}”：等待正在进行的重新合成…</translation>
    </message>
    <message>
        <source>Re-synthesise ({edit})</source>
        <translation>重新合成（{edit}）</translation>
    </message>
    <message>
        <source>Pitch edit kept; it will be heard after the job in progress ({reason})</source>
        <translation>音高修改已保留；当前任务（{reason}）结束后就能听到</translation>
    </message>
    <message>
        <source>Pitch edit “{edit}”: re-synthesising…</source>
        <translation>音高修改“{edit}”：正在重新合成…</translation>
    </message>
    <message>
        <source>Re-synthesis failed: {reason}</source>
        <translation>重新合成失败：{reason}</translation>
    </message>
    <message>
        <source>Pitch edit “{edit}”: the audio was already this.</source>
        <translation>音高修改“{edit}”：声音本来就是这样。</translation>
    </message>
    <message>
        <source>Pitch edit “{edit}”: re-synthesised {start:.2f}–{stop:.2f} s (1 chunk of {total}) in {seconds:.2f} s; edit to hear {heard:.2f} s. Play B to hear it.</source>
        <translation>音高修改“{edit}”：已重新合成 {start:.2f}–{stop:.2f} 秒（{total} 段中的 1 段），用时 {seconds:.2f} 秒；从修改到能听到共 {heard:.2f} 秒。点“▶ B”试听。</translation>
    </message>
    <message numerus="yes">
        <source>Pitch edit “{edit}”: re-synthesised {start:.2f}–{stop:.2f} s (%n chunks of {total}) in {seconds:.2f} s; edit to hear {heard:.2f} s. Play B to hear it.</source>
        <translation>
            <numerusform>音高修改“{edit}”：已重新合成 {start:.2f}–{stop:.2f} 秒（{total} 段中的 %n 段），用时 {seconds:.2f} 秒；从修改到能听到共 {heard:.2f} 秒。点“▶ B”试听。</numerusform>
        </translation>
    </message>
    <message>
        <source>Open an edited conversion</source>
        <translation>打开修改过的转换</translation>
    </message>
    <message>
        <source>Edited conversion (*{suffix})</source>
        <translation>修改过的转换 (*{suffix})</translation>
    </message>
    <message>
        <source>Cannot open: {reason}</source>
        <translation>无法打开：{reason}</translation>
    </message>
    <message>
        <source>Cannot open {file}: the voice “{voice}” is not in the library</source>
        <translation>无法打开 {file}：音色库里没有“{voice}”这个音色</translation>
    </message>
    <message>
        <source>{path}: the conversion&apos;s source audio is missing</source>
        <translation>{path}：找不到这次转换的原始音频</translation>
    </message>
    <message>
        <source>{path}: the source audio changed since the conversion was saved</source>
        <translation>{path}：保存转换之后，原始音频已经改动过</translation>
    </message>
    <message>
        <source>{path}: its pitch curve is not this song&apos;s length</source>
        <translation>{path}：它的音高曲线和这首歌的长度对不上</translation>
    </message>
    <message>
        <source>Reopen {file}</source>
        <translation>重新打开 {file}</translation>
    </message>
    <message>
        <source>Reopening {file}: converting {source} again…</source>
        <translation>正在重新打开 {file}：重新转换 {source}…</translation>
    </message>
</context>
<context>
    <name>PreparationReport</name>
    <message>
        <source>Run “New voice from folder…” to see which clips are kept and which are not.</source>
        <translation>运行“从文件夹新建音色…”后，这里会列出哪些片段被保留、哪些没有用上。</translation>
    </message>
    <message>
        <source>Clip / file</source>
        <translation>片段 / 文件</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Reason / source</source>
        <translation>原因 / 来源</translation>
    </message>
    <message numerus="yes">
        <source>Kept: %n clips</source>
        <translation>
            <numerusform>保留：%n 个片段</numerusform>
        </translation>
    </message>
    <message>
        <source>{seconds:.1f} s</source>
        <translation>{seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>{source} at {seconds:.1f} s</source>
        <translation>{source}，第 {seconds:.1f} 秒处</translation>
    </message>
    <message>
        <source>Not used: {count}</source>
        <translation>未使用：{count}</translation>
    </message>
    <message numerus="yes">
        <source>%n clips, {minutes:.1f} min of audio from {used} of {seen} files.</source>
        <translation>
            <numerusform>%n 个片段，共 {minutes:.1f} 分钟音频，来自 {seen} 个文件中的 {used} 个。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RecordPage</name>
    <message>
        <source>Rescan</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>Look for audio devices again (after plugging in a microphone)</source>
        <translation>重新查找音频设备（插上麦克风之后）</translation>
    </message>
    <message>
        <source>{rate} Hz</source>
        <translation>{rate} Hz</translation>
    </message>
    <message>
        <source>Monitor input</source>
        <translation>监听输入</translation>
    </message>
    <message>
        <source>Show the level, waveform and pitch without recording</source>
        <translation>不录音，只显示音量、波形和音高</translation>
    </message>
    <message>
        <source>● Record</source>
        <translation>● 录音</translation>
    </message>
    <message>
        <source>■ Stop</source>
        <translation>■ 停止</translation>
    </message>
    <message>
        <source>▶ Play take</source>
        <translation>▶ 播放录音</translation>
    </message>
    <message>
        <source>■ Stop playing</source>
        <translation>■ 停止播放</translation>
    </message>
    <message>
        <source>Add to voice dataset…</source>
        <translation>加入音色数据集…</translation>
    </message>
    <message>
        <source>Send to Convert</source>
        <translation>送去转换</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Sample rate</source>
        <translation>采样率</translation>
    </message>
    <message>
        <source>Takes</source>
        <translation>录音</translation>
    </message>
    <message>
        <source>  — default</source>
        <translation>  — 默认</translation>
    </message>
    <message>
        <source>Recording is unavailable: {reason}.
Connect a microphone (or start your sound server) and press Rescan. Takes already recorded can still be played, added to a voice and converted.</source>
        <translation>现在无法录音：{reason}。
请连接麦克风（或启动声音服务），然后点“重新扫描”。已经录好的录音仍然可以播放、加入音色和转换。</translation>
    </message>
    <message>
        <source>no audio input device was found</source>
        <translation>没有找到音频输入设备</translation>
    </message>
    <message>
        <source>Cannot record</source>
        <translation>无法录音</translation>
    </message>
    <message>
        <source>pitch unavailable</source>
        <translation>无法检测音高</translation>
    </message>
    <message>
        <source>Recording… press Stop (or Space) to end the take.</source>
        <translation>正在录音… 点“停止”（或按空格键）结束这一段。</translation>
    </message>
    <message>
        <source>Take too short (under {seconds:g} s): not saved.</source>
        <translation>录音太短（不到 {seconds:g} 秒），没有保存。</translation>
    </message>
    <message>
        <source>Saved {file} ({seconds:.1f} s) in {folder}.</source>
        <translation>已保存 {file}（{seconds:.1f} 秒），位于 {folder}。</translation>
    </message>
    <message>
        <source>peak {peak:5.1f} dBFS</source>
        <translation>峰值 {peak:5.1f} dBFS</translation>
    </message>
    <message>
        <source>  CLIP!</source>
        <translation>  削波！</translation>
    </message>
    <message>
        <source>{name}   {seconds:.1f} s</source>
        <translation>{name}   {seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>{name}   (unreadable)</source>
        <translation>{name}   （无法读取）</translation>
    </message>
    <message>
        <source>Cannot play</source>
        <translation>无法播放</translation>
    </message>
    <message numerus="yes">
        <source>Added {file} to the recordings of “{voice}” (%n takes in {folder}). Prepare them with Library → New voice from folder.</source>
        <translation>
            <numerusform>已把 {file} 加入“{voice}”的录音（{folder} 中共 %n 段）。请在“音色库 → 从文件夹新建音色”中整理它们。</numerusform>
        </translation>
    </message>
    <message>
        <source>Add take to a voice</source>
        <translation>把录音加入音色</translation>
    </message>
    <message>
        <source>Voice (pick one or type a new name):</source>
        <translation>音色（选择一个，或输入新名称）：</translation>
    </message>
    <message>
        <source>Delete take</source>
        <translation>删除录音</translation>
    </message>
    <message>
        <source>Delete {name}? This cannot be undone.</source>
        <translation>删除 {name}？删除后无法恢复。</translation>
    </message>
</context>
<context>
    <name>RunExportMixin</name>
    <message>
        <source>Name in the library (keep “{name}” to update it, or type a new name):</source>
        <translation>在音色库中的名称（保留“{name}”则更新它，或输入新名称）：</translation>
    </message>
    <message>
        <source>Name in the library:</source>
        <translation>在音色库中的名称：</translation>
    </message>
    <message>
        <source>Export “{name}”</source>
        <translation>导出“{name}”</translation>
    </message>
    <message>
        <source>Cannot export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Replace voice?</source>
        <translation>替换音色？</translation>
    </message>
    <message>
        <source>A voice named “{name}” is already in the library and was not trained in this run. Replace it with this run&apos;s voice? It is kept until the new one is complete.</source>
        <translation>音色库里已有一个名为“{name}”的音色，它不是这次训练出来的。要用这次训练的音色替换它吗？新音色完成之前，旧的会一直保留。</translation>
    </message>
    <message>
        <source>Replace</source>
        <translation>替换</translation>
    </message>
    <message>
        <source> (step {step:,})</source>
        <translation>（第 {step:,} 步）</translation>
    </message>
    <message>
        <source>updated “{name}” in place{which} ({folder})</source>
        <translation>已原地更新“{name}”{which}（{folder}）</translation>
    </message>
    <message>
        <source>exported “{name}”{which} to {folder}</source>
        <translation>已把“{name}”{which}导出到 {folder}</translation>
    </message>
    <message>
        <source>Voice exported to the library</source>
        <translation>音色已导出到音色库</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>CPU ({cores} cores)</source>
        <translation>CPU（{cores} 核）</translation>
    </message>
    <message>
        <source>{total:.1f} GB, {free:.1f} GB free</source>
        <translation>{total:.1f} GB，可用 {free:.1f} GB</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>更改…</translation>
    </message>
    <message>
        <source>Default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Exact (as the original model)</source>
        <translation>精确（与原模型一致）</translation>
    </message>
    <message>
        <source>Fast (quicker without a GPU, nearly the same sound)</source>
        <translation>快速（没有显卡时更快，声音几乎一样）</translation>
    </message>
    <message>
        <source>Fast runs the same voice with lighter arithmetic; the result sounds the same to the ear but is not identical sample for sample. Choose Exact to match results made before.</source>
        <translation>“快速”用更轻量的计算运行同一个音色；听起来一样，但不是逐个采样点完全相同。想和以前的结果完全一致，请选“精确”。</translation>
    </message>
    <message>
        <source>System language ({language})</source>
        <translation>跟随系统（{language}）</translation>
    </message>
    <message>
        <source>Model files</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <source>Cache and compute</source>
        <translation>缓存与计算</translation>
    </message>
    <message>
        <source>Download folder</source>
        <translation>下载文件夹</translation>
    </message>
    <message>
        <source>Compute device</source>
        <translation>计算设备</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <source>Conversion speed</source>
        <translation>转换速度</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言 / Language</translation>
    </message>
    <message>
        <source>  (default)</source>
        <translation>  （默认）</translation>
    </message>
    <message>
        <source>Download folder for model files</source>
        <translation>模型文件的下载文件夹</translation>
    </message>
    <message>
        <source>Detecting compute devices</source>
        <translation>正在检测计算设备</translation>
    </message>
    <message>
        <source>Detecting devices…</source>
        <translation>正在检测设备…</translation>
    </message>
    <message>
        <source>Could not list devices: {msg}</source>
        <translation>无法列出设备：{msg}</translation>
    </message>
    <message>
        <source>{device} (not available now: the CPU is used)</source>
        <translation>{device}（现在不可用：将使用 CPU）</translation>
    </message>
    <message numerus="yes">
        <source>%n CUDA GPU(s) found.</source>
        <translation>
            <numerusform>找到 %n 块 CUDA 显卡。</numerusform>
        </translation>
    </message>
    <message>
        <source>No CUDA GPU found: training and conversion run on the CPU.</source>
        <translation>没有找到 CUDA 显卡：训练和转换将在 CPU 上运行。</translation>
    </message>
    <message>
        <source>The language changes the next time you start VoiceCraft.</source>
        <translation>下次启动 VoiceCraft 时切换语言。</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <source>Model files setup</source>
        <translation>模型文件设置</translation>
    </message>
</context>
<context>
    <name>SetupView</name>
    <message>
        <source>Model file</source>
        <translation>模型文件</translation>
    </message>
    <message>
        <source>Needed for</source>
        <translation>用于</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>许可证</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>✔ your copy (verified)</source>
        <translation>✔ 你的副本（已校验）</translation>
    </message>
    <message>
        <source>✔ downloaded</source>
        <translation>✔ 已下载</translation>
    </message>
    <message>
        <source>downloaded, checked on first use</source>
        <translation>已下载，首次使用时校验</translation>
    </message>
    <message>
        <source>✖ missing</source>
        <translation>✖ 缺失</translation>
    </message>
    <message>
        <source>⬇ downloading…</source>
        <translation>⬇ 下载中…</translation>
    </message>
    <message>
        <source>✖ partly downloaded</source>
        <translation>✖ 未下载完</translation>
    </message>
    <message>
        <source>No internet connection: download the files on another computer (select a file to see its address), then use “Locate file…”.</source>
        <translation>没有网络连接：请在另一台电脑上下载这些文件（选中一个文件可以看到下载地址），然后用“指定文件…”。</translation>
    </message>
    <message>
        <source>Convert songs with a voice</source>
        <translation>用音色转换歌曲</translation>
    </message>
    <message>
        <source>convert</source>
        <translation>转换</translation>
    </message>
    <message>
        <source>Train a new voice</source>
        <translation>训练新音色</translation>
    </message>
    <message>
        <source>train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>Fine-tune from the pretrained base</source>
        <translation>从底模微调</translation>
    </message>
    <message>
        <source>fine-tune</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>Convert songs with a backing track</source>
        <translation>转换带伴奏的歌曲（翻唱）</translation>
    </message>
    <message>
        <source>covers</source>
        <translation>翻唱</translation>
    </message>
    <message>
        <source>bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <source>about {size}</source>
        <translation>约 {size}</translation>
    </message>
    <message>
        <source>VoiceCraft uses a few pretrained model files. They are downloaded once into the download folder and checked before use. Tick what you want to do:</source>
        <translation>VoiceCraft 需要用到几个预训练模型文件。它们只需下载一次，存放在下载文件夹中，使用前会先校验。请勾选你想做的事：</translation>
    </message>
    <message>
        <source>Show optional files (other content encoders)</source>
        <translation>显示可选文件（其他内容编码器）</translation>
    </message>
    <message>
        <source>Download what is needed</source>
        <translation>下载所需文件</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Locate file…</source>
        <translation>指定文件…</translation>
    </message>
    <message>
        <source>Use the downloaded copy</source>
        <translation>使用下载的副本</translation>
    </message>
    <message>
        <source>Forget the file you located; use the one in the download folder</source>
        <translation>不再使用你指定的文件，改用下载文件夹中的那个</translation>
    </message>
    <message>
        <source>This file</source>
        <translation>当前文件</translation>
    </message>
    <message>
        <source>All files</source>
        <translation>全部文件</translation>
    </message>
    <message>
        <source>{description}
({name})</source>
        <translation>{description}
（{name}）</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>✔ ready</source>
        <translation>✔ 已就绪</translation>
    </message>
    <message>
        <source>needs 1 file ({size})</source>
        <translation>需要 1 个文件（{size}）</translation>
    </message>
    <message numerus="yes">
        <source>needs %n files ({size})</source>
        <translation>
            <numerusform>需要 %n 个文件（{size}）</numerusform>
        </translation>
    </message>
    <message>
        <source>Tick a task to see the files it needs.</source>
        <translation>勾选一项任务，即可看到它需要哪些文件。</translation>
    </message>
    <message>
        <source>✔ Everything the ticked tasks need is here.</source>
        <translation>✔ 勾选的任务所需的文件都已齐全。</translation>
    </message>
    <message>
        <source>1 file to download ({size}). Press “Download what is needed”, or locate copies you have.</source>
        <translation>需要下载 1 个文件（{size}）。请点“下载所需文件”，或指定你已有的副本。</translation>
    </message>
    <message numerus="yes">
        <source>%n files to download ({size}). Press “Download what is needed”, or locate copies you have.</source>
        <translation>
            <numerusform>需要下载 %n 个文件（{size}）。请点“下载所需文件”，或指定你已有的副本。</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;{title}&lt;/b&gt; ({name}): {description}.</source>
        <translation>&lt;b&gt;{title}&lt;/b&gt;（{name}）：{description}。</translation>
    </message>
    <message>
        <source>Address: {url}</source>
        <translation>地址：{url}</translation>
    </message>
    <message>
        <source>It cannot be downloaded automatically: get it as described, then “Locate file…”.</source>
        <translation>这个文件无法自动下载：请按说明获取，然后用“指定文件…”。</translation>
    </message>
    <message>
        <source>Licence: {licence}</source>
        <translation>许可证：{licence}</translation>
    </message>
    <message>
        <source>SHA-256: {why}.</source>
        <translation>SHA-256：{why}。</translation>
    </message>
    <message>
        <source>Location: {path}</source>
        <translation>位置：{path}</translation>
    </message>
    <message numerus="yes">
        <source>Download %n model file(s)</source>
        <translation>
            <numerusform>下载 %n 个模型文件</numerusform>
        </translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>正在下载…</translation>
    </message>
    <message>
        <source>Checking the file…</source>
        <translation>正在校验文件…</translation>
    </message>
    <message>
        <source> of {size}</source>
        <translation> / {size}</translation>
    </message>
    <message>
        <source>File {number} of {count}</source>
        <translation>第 {number} 个文件，共 {count} 个</translation>
    </message>
    <message>
        <source>Downloading {title}: {done}{of} — all files: {all_done} of {all_total}</source>
        <translation>正在下载 {title}：{done}{of} — 全部文件：{all_done} / {all_total}</translation>
    </message>
    <message numerus="yes">
        <source>✔ Downloaded and verified %n file(s).</source>
        <translation>
            <numerusform>✔ 已下载并校验 %n 个文件。</numerusform>
        </translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>✖ Refused: {reason}</source>
        <translation>✖ 已拒绝：{reason}</translation>
    </message>
    <message>
        <source>Not the expected model file</source>
        <translation>不是所需的模型文件</translation>
    </message>
    <message>
        <source>No internet connection</source>
        <translation>没有网络连接</translation>
    </message>
    <message>
        <source>✖ Download failed: {reason}</source>
        <translation>✖ 下载失败：{reason}</translation>
    </message>
    <message>
        <source> Press “Download what is needed” to resume.</source>
        <translation> 点“下载所需文件”可以继续下载。</translation>
    </message>
    <message>
        <source>Download failed</source>
        <translation>下载失败</translation>
    </message>
    <message>
        <source>Download cancelled. What was downloaded is kept: it resumes next time.</source>
        <translation>下载已取消。已下载的部分会保留，下次接着下载。</translation>
    </message>
    <message>
        <source>Check cancelled.</source>
        <translation>校验已取消。</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Folder of {title} (with config.json)</source>
        <translation>{title} 所在的文件夹（含 config.json）</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Locate {filename}</source>
        <translation>指定 {filename}</translation>
    </message>
    <message>
        <source>Check {file}</source>
        <translation>校验 {file}</translation>
    </message>
    <message>
        <source>✔ {file} is {title}{sha}: it is used now.</source>
        <translation>✔ {file} 就是 {title}{sha}：现在开始使用它。</translation>
    </message>
</context>
<context>
    <name>SpeedEstimator</name>
    <message>
        <source>Estimated time on this computer: measuring a few training steps…</source>
        <translation>在这台电脑上的预计用时：正在试跑几步训练来测量…</translation>
    </message>
    <message>
        <source>Measure training speed</source>
        <translation>测量训练速度</translation>
    </message>
    <message>
        <source>Estimated time on this computer: measuring a few training steps… ({done} of {total})</source>
        <translation>在这台电脑上的预计用时：正在试跑几步训练来测量…（{done} / {total}）</translation>
    </message>
    <message>
        <source>No time estimate: a trial step could not run on this dataset (Start says why).</source>
        <translation>无法预计用时：在这个数据集上试跑一步失败了（点“开始”会说明原因）。</translation>
    </message>
    <message>
        <source>the graphics card (GPU)</source>
        <translation>显卡（GPU）</translation>
    </message>
    <message>
        <source>the processor (CPU)</source>
        <translation>处理器（CPU）</translation>
    </message>
    <message>
        <source>{days:.0f} days</source>
        <translation>{days:.0f} 天</translation>
    </message>
    <message>
        <source>Estimated time on this computer: about {length} for {steps} steps on {where} ({per_step:.2g} s a step, measured over 1 step; validation adds a little).</source>
        <translation>在这台电脑上的预计用时：在{where}上训练 {steps} 步约需 {length}（每步 {per_step:.2g} 秒，按 1 步测得；验证还会多花一点时间）。</translation>
    </message>
</context>
<context>
    <name>TensorBoard</name>
    <message>
        <source>Start TensorBoard</source>
        <translation>启动 TensorBoard</translation>
    </message>
</context>
<context>
    <name>TrainPage</name>
    <message>
        <source>Training “{name}”</source>
        <translation>训练“{name}”</translation>
    </message>
    <message>
        <source>&lt;b&gt;Full size&lt;/b&gt; (the so-vits-svc-5.0 model): for a voice to keep — the best quality this app makes. Needs an NVIDIA graphics card (GPU): fine-tuning from the pretrain takes hours there, training from scratch a day or more; on a processor (CPU) alone, days to weeks.</source>
        <translation>&lt;b&gt;完整大小&lt;/b&gt;（so-vits-svc-5.0 模型）：适合要长期使用的音色——这是本软件能做到的最好音质。需要一块 NVIDIA 显卡（GPU）：在显卡上从底模微调要几个小时，从零开始训练要一天以上；只用处理器（CPU）则要几天到几周。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Small trial&lt;/b&gt;: a toy-size model that trains in minutes on any computer. For trying the whole path (record → train → convert) before a long run; it sounds rough and robotic, not a voice to keep.</source>
        <translation>&lt;b&gt;小型试用&lt;/b&gt;：一个玩具大小的模型，在任何电脑上几分钟就能训练完。适合在长时间训练之前先把整个流程（录音 → 训练 → 转换）走一遍；声音粗糙、有机械感，不适合长期使用。</translation>
    </message>
    <message>
        <source>When to stop: validation runs every few hundred steps; the advice appears here.</source>
        <translation>何时停止：每隔几百步会验证一次，建议会显示在这里。</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:#b8860b&apos;&gt;This computer has no usable graphics card (GPU).&lt;/b&gt; Training a full-size voice needs one: on the processor alone it takes days (the estimate below is measured here). For a first try, use the small trial preset: minutes, rough sound.</source>
        <translation>&lt;b style=&apos;color:#b8860b&apos;&gt;这台电脑没有可用的显卡（GPU）。&lt;/b&gt;训练完整大小的音色需要显卡：只用处理器要好几天（下面的预估是在本机实测的）。第一次尝试，请用小型试用预设：几分钟就好，只是声音比较粗糙。</translation>
    </message>
    <message>
        <source>the small trial</source>
        <translation>小型试用</translation>
    </message>
    <message>
        <source>fine-tuning</source>
        <translation>微调</translation>
    </message>
    <message>
        <source>training from scratch</source>
        <translation>从零开始训练</translation>
    </message>
    <message>
        <source>Default for {how}: {passes} passes over your recordings, at least {low} and at most {high} steps. You can change it.</source>
        <translation>{how}的默认值：把你的录音过 {passes} 遍，最少 {low} 步，最多 {high} 步。你可以修改。</translation>
    </message>
    <message>
        <source>Use the small trial preset</source>
        <translation>使用小型试用预设</translation>
    </message>
    <message>
        <source>Voice (prepared dataset):</source>
        <translation>音色（已整理的数据集）：</translation>
    </message>
    <message>
        <source>Start from:</source>
        <translation>起点：</translation>
    </message>
    <message>
        <source>Model size (preset):</source>
        <translation>模型大小（预设）：</translation>
    </message>
    <message>
        <source>Stop after step:</source>
        <translation>训练到第几步停止：</translation>
    </message>
    <message>
        <source>Train on every graphics card of this computer at once: each card takes a batch of the preset&apos;s size, so every step learns from more audio. Pause is not available then; Stop and Start again continue from the last save.</source>
        <translation>同时用这台电脑上的所有显卡训练：每块显卡处理一批预设大小的数据，所以每一步能学到更多音频。这时不能暂停；停止后再开始，会从上次保存处继续。</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Start over…</source>
        <translation>重新开始…</translation>
    </message>
    <message>
        <source>Begin a new run of this voice with new settings; the old run is kept in the archive or deleted.</source>
        <translation>用新的设置为这个音色重新训练；旧的训练记录会归档保存或删除。</translation>
    </message>
    <message>
        <source>Export voice…</source>
        <translation>导出音色…</translation>
    </message>
    <message>
        <source>Open TensorBoard</source>
        <translation>打开 TensorBoard</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>TensorBoard (running)</source>
        <translation>TensorBoard（运行中）</translation>
    </message>
    <message>
        <source>TensorBoard did not start</source>
        <translation>TensorBoard 没有启动</translation>
    </message>
    <message numerus="yes">
        <source>{name} — %n clips, {minutes:.1f} min</source>
        <translation>
            <numerusform>{name} — %n 个片段，{minutes:.1f} 分钟</numerusform>
        </translation>
    </message>
    <message>
        <source> (features missing)</source>
        <translation>（缺少特征）</translation>
    </message>
    <message>
        <source>Read the training run</source>
        <translation>读取训练记录</translation>
    </message>
    <message>
        <source>Cannot read this voice&apos;s run: {message}</source>
        <translation>无法读取这个音色的训练记录：{message}</translation>
    </message>
    <message>
        <source>Use all {gpus} GPUs</source>
        <translation>使用全部 {gpus} 块显卡</translation>
    </message>
    <message>
        <source>No prepared voice yet: use “New voice from folder…” on the Library page.</source>
        <translation>还没有整理好的音色：请在“音色库”页面用“从文件夹新建音色…”。</translation>
    </message>
    <message>
        <source>No prepared voice to train.</source>
        <translation>没有可训练的已整理音色。</translation>
    </message>
    <message>
        <source>A run of this voice is at step {step:,}; reading its settings…</source>
        <translation>这个音色的训练已进行到第 {step:,} 步；正在读取它的设置…</translation>
    </message>
    <message>
        <source>Reading this voice&apos;s training run…</source>
        <translation>正在读取这个音色的训练记录…</translation>
    </message>
    <message>
        <source>Fixed: this voice&apos;s run was started with it, and Resume continues that run. To change it, use “Start over…”.</source>
        <translation>已固定：这个音色的训练就是用它开始的，“继续训练”会接着这次训练。要更改，请用“重新开始…”。</translation>
    </message>
    <message>
        <source>Fine-tuning the so-vits-svc-5.0 pretrain learns a voice in far fewer steps than training from scratch.</source>
        <translation>在 so-vits-svc-5.0 底模上微调，比从零开始训练所需的步数少得多。</translation>
    </message>
    <message>
        <source>The so-vits-svc-5.0 pretrain is the full-size model: to train the small trial preset, start from scratch.</source>
        <translation>so-vits-svc-5.0 底模是完整大小的模型：要训练小型试用预设，请从零开始。</translation>
    </message>
    <message>
        <source>This dataset has no features; prepare it again on the Library page.</source>
        <translation>这个数据集没有特征；请在“音色库”页面重新整理。</translation>
    </message>
    <message>
        <source>This voice cannot be trained until it is prepared again.</source>
        <translation>这个音色需要重新整理后才能训练。</translation>
    </message>
    <message>
        <source>The run of this voice ({run}) is at step {step:,}. Raise “Stop after step” to train it further, export it, or start over.</source>
        <translation>这个音色的训练（{run}）已到第 {step:,} 步。调高“训练到第几步停止”可以继续训练，也可以导出或重新开始。</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续训练</translation>
    </message>
    <message>
        <source>Trained to step {step:,}. Export the voice to use it on the Convert page.</source>
        <translation>已训练到第 {step:,} 步。导出音色后即可在“转换”页面使用。</translation>
    </message>
    <message>
        <source>A run of this voice ({run}) stopped at step {step:,}: Resume continues it to step {target:,}. Its model size and starting point are fixed; “Start over…” begins a new run.</source>
        <translation>这个音色的训练（{run}）停在第 {step:,} 步：“继续训练”会接着训练到第 {target:,} 步。它的模型大小和起点已固定；“重新开始…”会开始一次新的训练。</translation>
    </message>
    <message>
        <source>Stopped at step {step:,} of {target:,}. Press Resume to continue.</source>
        <translation>停在第 {step:,} 步（目标 {target:,} 步）。点“继续训练”接着训练。</translation>
    </message>
    <message>
        <source>New run in {run_dir}</source>
        <translation>新的训练记录位于 {run_dir}</translation>
    </message>
    <message>
        <source>Ready: press Start to train “{name}”.</source>
        <translation>准备就绪：点“开始”训练“{name}”。</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <source>Start a new run of “{name}”? The current run ({run}) will no longer be resumed; you can then choose the model size, the starting point and the steps again.</source>
        <translation>为“{name}”开始一次新的训练吗？当前的训练（{run}）将不再继续；之后可以重新选择模型大小、起点和步数。</translation>
    </message>
    <message>
        <source>Delete the old run</source>
        <translation>删除旧的训练记录</translation>
    </message>
    <message>
        <source>Cannot start over</source>
        <translation>无法重新开始</translation>
    </message>
    <message>
        <source>the old run was archived in {folder}</source>
        <translation>旧的训练记录已归档到 {folder}</translation>
    </message>
    <message>
        <source>the old run was deleted</source>
        <translation>旧的训练记录已删除</translation>
    </message>
    <message>
        <source>Read training history</source>
        <translation>读取训练历史</translation>
    </message>
    <message>
        <source>Cannot start training</source>
        <translation>无法开始训练</translation>
    </message>
    <message>
        <source>“{name}” is {busy}: another VoiceCraft window or the command line is training this voice. Wait for it to finish, or stop it there, then press Start again.</source>
        <translation>“{name}”{busy}：另一个 VoiceCraft 窗口或命令行正在训练这个音色。请等它结束，或在那边停止它，然后再点“开始”。</translation>
    </message>
    <message>
        <source>“{name}” is {busy}.</source>
        <translation>“{name}”{busy}。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <source>— {name}: training in {folder}</source>
        <translation>— {name}：在 {folder} 中训练</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Pausing after this step…</source>
        <translation>这一步结束后暂停…</translation>
    </message>
    <message>
        <source>Stopping: finishing the step and writing a checkpoint…</source>
        <translation>正在停止：完成这一步并写入检查点…</translation>
    </message>
    <message>
        <source>step {step}: {message}</source>
        <translation>第 {step} 步：{message}</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>正在开始</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>训练中</translation>
    </message>
    <message>
        <source> · ETA {time}</source>
        <translation> · 预计还需 {time}</translation>
    </message>
    <message>
        <source> · {rate:.2f} steps/s</source>
        <translation> · 每秒 {rate:.2f} 步</translation>
    </message>
    <message>
        <source>{phase}: step {step:,} of {total_steps:,} · epoch {epoch}{speed}{eta} · batch {batch_size} · {device} {precision}</source>
        <translation>{phase}：第 {step:,} / {total_steps:,} 步 · 第 {epoch} 轮{speed}{eta} · 批大小 {batch_size} · {device} {precision}</translation>
    </message>
    <message>
        <source>&lt;b style=&apos;color:{colour}&apos;&gt;When to stop: {verdict}.&lt;/b&gt; {advice}. (Difference from the real voice: now {mel_l1:.3f}, best {best_mel_l1:.3f} at step {best_step:,} — the ★ on the lower plot; Export offers it.)</source>
        <translation>&lt;b style=&apos;color:{colour}&apos;&gt;何时停止：{verdict}。&lt;/b&gt;{advice}。（与真实声音的差距：现在 {mel_l1:.3f}，最好是第 {best_step:,} 步的 {best_mel_l1:.3f}——即下方图中的 ★；导出时可以选它。）</translation>
    </message>
    <message>
        <source>Stopped at step {step:,}; checkpoint written. Resume continues the run.</source>
        <translation>停在第 {step:,} 步，检查点已写入。“继续训练”会接着这次训练。</translation>
    </message>
    <message>
        <source>Finished at step {step:,}. Export the voice to use it on the Convert page.</source>
        <translation>在第 {step:,} 步完成。导出音色后即可在“转换”页面使用。</translation>
    </message>
    <message>
        <source>Training failed: {message}</source>
        <translation>训练失败：{message}</translation>
    </message>
    <message>
        <source>Training failed</source>
        <translation>训练失败</translation>
    </message>
    <message>
        <source>Training cancelled.</source>
        <translation>训练已取消。</translation>
    </message>
</context>
<context>
    <name>TrainRuns</name>
    <message>
        <source>full-size model</source>
        <translation>完整大小模型</translation>
    </message>
    <message>
        <source>small trial model</source>
        <translation>小型试用模型</translation>
    </message>
    <message>
        <source>step {step:,}</source>
        <translation>第 {step:,} 步</translation>
    </message>
    <message>
        <source>{preset} model</source>
        <translation>{preset} 模型</translation>
    </message>
    <message>
        <source>fine-tuned from {file}</source>
        <translation>从 {file} 微调</translation>
    </message>
    <message>
        <source>trained from scratch</source>
        <translation>从零开始训练</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>Archived runs are moved out of the way (to the “.archive” folder next to the runs) and can be restored by hand; deleted runs are gone.</source>
        <translation>归档的训练记录会被移到一旁（训练记录旁边的“.archive”文件夹），需要时可以手动恢复；删除的训练记录就彻底没有了。</translation>
    </message>
    <message>
        <source>Keep the old run (archive)</source>
        <translation>保留旧的训练记录（归档）</translation>
    </message>
    <message>
        <source>Delete dataset</source>
        <translation>删除数据集</translation>
    </message>
    <message>
        <source>Delete the dataset “{name}”? Its recordings and features will be erased. It also has a training run ({run}), which a new dataset of the same name must not continue: keep that run in the archive, or delete it too?</source>
        <translation>删除数据集“{name}”？它的录音和特征将被清除。它还有一次训练（{run}），同名的新数据集不能接着它训练：要把这次训练归档保留，还是一起删除？</translation>
    </message>
    <message>
        <source>Delete the run too</source>
        <translation>一起删除训练记录</translation>
    </message>
</context>
<context>
    <name>TrainingCurves</name>
    <message>
        <source>Overall error</source>
        <translation>总体误差</translation>
    </message>
    <message>
        <source>g_total: the generator&apos;s total loss (adversarial, feature matching, mel, multi-resolution STFT, KL and speaker terms). Should fall, then level off.</source>
        <translation>g_total：生成器的总损失（对抗、特征匹配、梅尔、多分辨率 STFT、KL 和说话人各项）。应当先下降，然后趋于平稳。</translation>
    </message>
    <message>
        <source>Sound difference</source>
        <translation>声音差异</translation>
    </message>
    <message>
        <source>mel: L1 distance between the mel spectrograms of the generated and the real audio (weighted). Lower means closer to the recordings.</source>
        <translation>mel：生成音频与真实音频梅尔频谱之间的 L1 距离（加权）。越低越接近录音。</translation>
    </message>
    <message>
        <source>Model fit</source>
        <translation>模型拟合</translation>
    </message>
    <message>
        <source>kl_f: KL divergence between the posterior and the flow-mapped prior; how well the model&apos;s two halves agree.</source>
        <translation>kl_f：后验分布与经 flow 映射的先验分布之间的 KL 散度；表示模型两部分配合得有多好。</translation>
    </message>
    <message>
        <source>Judge</source>
        <translation>判别器</translation>
    </message>
    <message>
        <source>d_total: the discriminators&apos; loss (the critics that tell real from generated audio). It should stay roughly level; a fall towards 0 means the judge is winning.</source>
        <translation>d_total：判别器的损失（负责分辨真实与生成音频的“评委”）。它应当大致保持平稳；如果降向 0，说明评委占了上风。</translation>
    </message>
    <message>
        <source>How close to the real voice (held-out recordings; lower is better)</source>
        <translation>与真实声音有多接近（留出的录音；越低越好）</translation>
    </message>
    <message>
        <source>val/mel_l1: mean mel-spectrogram L1 of the conversion path on recordings held out of training, every few hundred steps. The ★ marks the best (lowest) one: the checkpoint Export offers first.</source>
        <translation>val/mel_l1：每隔几百步，在未参与训练的录音上计算转换结果的平均梅尔频谱 L1。★ 标出最好（最低）的一次：导出时首先提供的就是这个检查点。</translation>
    </message>
    <message>
        <source>Training losses</source>
        <translation>训练损失</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <source> — 1 spike above the top, not to scale</source>
        <translation> — 有 1 个尖峰超出顶部，未按比例显示</translation>
    </message>
    <message numerus="yes">
        <source> — %n spikes above the top, not to scale</source>
        <translation>
            <numerusform> — 有 %n 个尖峰超出顶部，未按比例显示</numerusform>
        </translation>
    </message>
    <message>
        <source>Training losses{extra}</source>
        <translation>训练损失{extra}</translation>
    </message>
</context>
<context>
    <name>ValidationAudioPanel</name>
    <message>
        <source>Validation audio</source>
        <translation>验证音频</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <source>Read validation audio</source>
        <translation>读取验证音频</translation>
    </message>
    <message>
        <source>converted by the model</source>
        <translation>模型转换的</translation>
    </message>
    <message>
        <source>real recording</source>
        <translation>真实录音</translation>
    </message>
    <message>
        <source>{clip} — {label} (step {step:,}, {seconds:.1f} s)</source>
        <translation>{clip} — {label}（第 {step:,} 步，{seconds:.1f} 秒）</translation>
    </message>
    <message>
        <source>Cannot play</source>
        <translation>无法播放</translation>
    </message>
</context>
</TS>
