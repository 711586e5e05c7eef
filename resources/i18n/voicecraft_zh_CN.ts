<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <source>Waveform: source (grey) and converted (blue)</source>
        <translation>波形：原声（灰色）与转换后（蓝色）</translation>
    </message>
    <message>
        <source>A: source</source>
        <translation>A：原声</translation>
    </message>
    <message>
        <source>B: converted</source>
        <translation>B：转换后</translation>
    </message>
    <message>
        <source>Pitch: source after the key shift (orange) and converted (blue)</source>
        <translation>音高：变调后的原声（橙色）与转换后（蓝色）</translation>
    </message>
    <message>
        <source>source (shifted)</source>
        <translation>原声（已变调）</translation>
    </message>
    <message>
        <source>converted</source>
        <translation>转换后</translation>
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
        <source>Convert songs in {folder} → {voice}</source>
        <translation>转换 {folder} 中的歌曲 → {voice}</translation>
    </message>
    <message>
        <source>Export the mix and its stems</source>
        <translation>导出混音及其分轨</translation>
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
    <name>ErrorText</name>
    <message>
        <source>A voice named “{name}” already exists: choose another name.</source>
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
    <message numerus="yes">
        <source>Prepared %n clips for “{name}”</source>
        <translation>
            <numerusform>已为“{name}”整理 %n 个片段</numerusform>
        </translation>
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
    <message numerus="yes">
        <source>Index built for “{name}” from %n recording(s): the Convert page&apos;s Index slider can use it now.</source>
        <translation>
            <numerusform>已用 %n 段录音为“{name}”创建索引：现在可以在“转换”页面使用“索引”滑块了。</numerusform>
        </translation>
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
        <source>Address: {url}</source>
        <translation>地址：{url}</translation>
    </message>
    <message>
        <source>It cannot be downloaded automatically: get it as described, then “Locate file…”.</source>
        <translation>这个文件无法自动下载：请按说明获取，然后用“指定文件…”。</translation>
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
    <name>TrainPage</name>
    <message>
        <source>Training “{name}”</source>
        <translation>训练“{name}”</translation>
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
