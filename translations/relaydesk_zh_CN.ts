<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>rd::ui::AccountsModel</name>
    <message>
        <source>Console</source>
        <translation>Console</translation>
    </message>
    <message>
        <source>Subscription</source>
        <translation>订阅</translation>
    </message>
    <message>
        <source>direct</source>
        <translation>直连</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>代理</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>已启用</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求数</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>ChatGPT (Codex)</source>
        <translation>ChatGPT（Codex）</translation>
    </message>
    <message>
        <source>OpenAI Responses</source>
        <translation>OpenAI Responses</translation>
    </message>
    <message>
        <source>Azure OpenAI</source>
        <translation>Azure OpenAI</translation>
    </message>
    <message>
        <source>deployment %1</source>
        <translation>部署 %1</translation>
    </message>
    <message>
        <source>v1 API</source>
        <translation>v1 API</translation>
    </message>
    <message>
        <source>api-version %1</source>
        <translation>api-version %1</translation>
    </message>
    <message>
        <source>priced as %1</source>
        <translation>按 %1 计价</translation>
    </message>
    <message>
        <source>plan %1</source>
        <translation>套餐 %1</translation>
    </message>
</context>
<context>
    <name>rd::ui::AccountsPage</name>
    <message>
        <source>Add &amp;Console account…</source>
        <translation>添加 Console 账户(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Sign in a Claude subscription…</source>
        <translation>登录 Claude 订阅(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>测试连接(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>移除(&amp;R)</translation>
    </message>
    <message>
        <source>The store cannot be opened.</source>
        <translation>无法打开数据存储。</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>not schedulable</source>
        <translation>不可调度</translation>
    </message>
    <message>
        <source>Cannot read the accounts: %1</source>
        <translation>无法读取账户：%1</translation>
    </message>
    <message>
        <source>RelayDesk</source>
        <translation>RelayDesk</translation>
    </message>
    <message>
        <source>Not added: %1</source>
        <translation>未添加：%1</translation>
    </message>
    <message>
        <source>Signed in, but the account was not saved: %1</source>
        <translation>已登录，但账户未保存：%1</translation>
    </message>
    <message>
        <source>Claude subscription “%1” added. It is personal: only keys created as the owner&apos;s keys use it until you share it.</source>
        <translation>Claude 订阅“%1”已添加。该订阅为个人所有：在你共享之前，只有作为所有者密钥创建的密钥会使用它。</translation>
    </message>
    <message>
        <source>Cannot read the account: %1</source>
        <translation>无法读取账户：%1</translation>
    </message>
    <message>
        <source>Accounts of type “%1” cannot be edited here yet.</source>
        <translation>暂不支持在此编辑“%1”类型的账户。</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>“%1”: %2</source>
        <translation>“%1”：%2</translation>
    </message>
    <message>
        <source>“%1”: connection test failed: %2</source>
        <translation>“%1”：连接测试失败：%2</translation>
    </message>
    <message>
        <source>Testing the connection…</source>
        <translation>正在测试连接…</translation>
    </message>
    <message>
        <source>Remove the account “%1”? Its credentials are deleted; keys bound to it stop working.</source>
        <translation>移除账户“%1”？其凭据将被删除，绑定到该账户的密钥将无法使用。</translation>
    </message>
    <message>
        <source>Not removed: %1</source>
        <translation>未移除：%1</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>未更改：%1</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Add &amp;OpenAI account</source>
        <translation>添加 OpenAI 账户(&amp;O)</translation>
    </message>
    <message>
        <source>OpenAI &amp;Responses API key…</source>
        <translation>OpenAI Responses API 密钥(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Azure OpenAI deployment…</source>
        <translation>Azure OpenAI 部署(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;ChatGPT subscription (Codex)…</source>
        <translation>ChatGPT 订阅 (Codex)(&amp;C)…</translation>
    </message>
    <message>
        <source>ChatGPT subscription “%1” added. It is personal: only keys created as the owner&apos;s keys use it until you share it.</source>
        <translation>已添加 ChatGPT 订阅“%1”。它为个人所有：在您共享之前，只有作为所有者密钥创建的密钥才会使用它。</translation>
    </message>
</context>
<context>
    <name>rd::ui::AddConsoleAccountDialog</name>
    <message>
        <source>Add Claude Console account</source>
        <translation>添加 Claude Console 账户</translation>
    </message>
    <message>
        <source>e.g. team console</source>
        <translation>例如：团队 Console</translation>
    </message>
    <message>
        <source>sk-ant-…</source>
        <translation>sk-ant-…</translation>
    </message>
    <message>
        <source>Lower numbers are used first.</source>
        <translation>数字越小越优先使用。</translation>
    </message>
    <message>
        <source>optional: socks5://user@host:1080 or http://host:3128</source>
        <translation>可选：socks5://user@host:1080 或 http://host:3128</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>optional JSON, e.g. {&quot;claude-sonnet-4-5&quot;: &quot;claude-sonnet-4-5-20250929&quot;}</source>
        <translation>可选 JSON，例如 {&quot;claude-sonnet-4-5&quot;: &quot;claude-sonnet-4-5-20250929&quot;}</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>optional: served only to keys bound to this group</source>
        <translation>可选：仅服务于绑定到此分组的密钥</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Base URL:</source>
        <translation>基础 URL(&amp;B)：</translation>
    </message>
    <message>
        <source>&amp;API key:</source>
        <translation>API 密钥(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;Priority:</source>
        <translation>优先级(&amp;P)：</translation>
    </message>
    <message>
        <source>Pro&amp;xy URL:</source>
        <translation>代理 URL(&amp;X)：</translation>
    </message>
    <message>
        <source>Proxy pass&amp;word:</source>
        <translation>代理密码(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Model mapping:</source>
        <translation>模型映射(&amp;M)：</translation>
    </message>
    <message>
        <source>Max &amp;concurrency:</source>
        <translation>最大并发数(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Group:</source>
        <translation>分组(&amp;G)：</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Edit account “%1”</source>
        <translation>编辑账户“%1”</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>leave empty to keep the stored key</source>
        <translation>留空则保留已存储的密钥</translation>
    </message>
    <message>
        <source>leave empty to keep the stored password</source>
        <translation>留空则保留已存储的密码</translation>
    </message>
    <message>
        <source>Account credentials are locked (the data key is not available), so a new key or password cannot be stored; leave both empty to keep the stored ones.</source>
        <translation>账户凭据已锁定（数据密钥不可用），无法存储新的密钥或密码；请将两者留空以保留已存储的内容。</translation>
    </message>
    <message>
        <source>Account credentials are locked (the data key is not available), so no account can be added.</source>
        <translation>账户凭据已锁定（数据密钥不可用），无法添加账户。</translation>
    </message>
    <message>
        <source>Enter a name for the account.</source>
        <translation>请输入账户名称。</translation>
    </message>
    <message>
        <source>Base URL: %1</source>
        <translation>基础 URL：%1</translation>
    </message>
    <message>
        <source>Enter the account&apos;s API key.</source>
        <translation>请输入该账户的 API 密钥。</translation>
    </message>
    <message>
        <source>Proxy URL: %1</source>
        <translation>代理 URL：%1</translation>
    </message>
    <message>
        <source>A proxy password needs a proxy URL with a user name (user@host).</source>
        <translation>设置代理密码需要代理 URL 中带有用户名（user@host）。</translation>
    </message>
    <message>
        <source>Model mapping: %1</source>
        <translation>模型映射：%1</translation>
    </message>
    <message>
        <source>The credentials cannot be sealed: %1</source>
        <translation>无法加密凭据：%1</translation>
    </message>
    <message>
        <source>the deployment&apos;s name, e.g. gpt-4o-prod</source>
        <translation>部署名称，例如 gpt-4o-prod</translation>
    </message>
    <message>
        <source>Use the v1 API (no api-version)</source>
        <translation>使用 v1 API（不带 api-version）</translation>
    </message>
    <message>
        <source>optional: the deployed model for prices, e.g. gpt-4o</source>
        <translation>可选：用于计价的已部署模型，例如 gpt-4o</translation>
    </message>
    <message>
        <source>optional: sent instead of the client&apos;s User-Agent</source>
        <translation>可选：代替客户端的 User-Agent 发送</translation>
    </message>
    <message>
        <source>Only for keys bound to this account</source>
        <translation>仅供绑定到此账户的密钥使用</translation>
    </message>
    <message>
        <source>optional JSON of seconds, e.g. {&quot;overloaded&quot;: 30, &quot;serverError&quot;: 120}</source>
        <translation>可选 JSON（单位：秒），例如 {&quot;overloaded&quot;: 30, &quot;serverError&quot;: 120}</translation>
    </message>
    <message>
        <source>&amp;Deployment:</source>
        <translation>部署(&amp;D)：</translation>
    </message>
    <message>
        <source>API &amp;version:</source>
        <translation>API 版本(&amp;V)：</translation>
    </message>
    <message>
        <source>Pricing mo&amp;del:</source>
        <translation>计价模型(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;User-Agent:</source>
        <translation>用户代理 User-Agent(&amp;U)：</translation>
    </message>
    <message>
        <source>Coo&amp;ldowns:</source>
        <translation>冷却时间(&amp;L)：</translation>
    </message>
    <message>
        <source>Add OpenAI Responses account</source>
        <translation>添加 OpenAI Responses 账户</translation>
    </message>
    <message>
        <source>e.g. team OpenAI</source>
        <translation>例如：团队 OpenAI</translation>
    </message>
    <message>
        <source>sk-…</source>
        <translation>sk-…</translation>
    </message>
    <message>
        <source>Add Azure OpenAI account</source>
        <translation>添加 Azure OpenAI 账户</translation>
    </message>
    <message>
        <source>e.g. azure east</source>
        <translation>例如：azure 东部</translation>
    </message>
    <message>
        <source>the resource&apos;s key (Keys and Endpoint)</source>
        <translation>资源的密钥（“密钥和终结点”页面）</translation>
    </message>
    <message>
        <source>https://RESOURCE.openai.azure.com</source>
        <translation>https://资源名.openai.azure.com</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>终结点(&amp;E)：</translation>
    </message>
    <message>
        <source>optional JSON, e.g. {&quot;gpt-5&quot;: &quot;gpt-5-codex&quot;}</source>
        <translation>可选 JSON，例如 {&quot;gpt-5&quot;: &quot;gpt-5-codex&quot;}</translation>
    </message>
    <message>
        <source>optional JSON: client model → deployment model, e.g. {&quot;gpt-4o-mini&quot;: &quot;gpt-4o&quot;}</source>
        <translation>可选 JSON：客户端模型 → 部署模型，例如 {&quot;gpt-4o-mini&quot;: &quot;gpt-4o&quot;}</translation>
    </message>
    <message>
        <source>Base URL: enter the API&apos;s base (e.g. https://api.openai.com or …/v1), without /responses.</source>
        <translation>基础 URL：请输入 API 的基础地址（例如 https://api.openai.com 或 …/v1），不要带 /responses。</translation>
    </message>
    <message>
        <source>Endpoint: enter only the resource&apos;s address, e.g. https://RESOURCE.openai.azure.com</source>
        <translation>终结点：只需输入资源地址，例如 https://资源名.openai.azure.com</translation>
    </message>
    <message>
        <source>Enter the deployment&apos;s name.</source>
        <translation>请输入部署名称。</translation>
    </message>
    <message>
        <source>Deployment: use only letters, digits, “-”, “_” and “.” (the name shown in Azure AI Foundry).</source>
        <translation>部署：只能使用字母、数字、“-”、“_”和“.”（即 Azure AI Foundry 中显示的名称）。</translation>
    </message>
    <message>
        <source>API version: expected a date such as 2024-10-21 or 2025-04-01-preview, or choose the v1 API.</source>
        <translation>API 版本：应为日期，例如 2024-10-21 或 2025-04-01-preview，或选择 v1 API。</translation>
    </message>
    <message>
        <source>Endpoint: %1</source>
        <translation>终结点：%1</translation>
    </message>
    <message>
        <source>Cooldowns: %1</source>
        <translation>冷却时间：%1</translation>
    </message>
    <message>
        <source>S&amp;hare with keys that are not the owner&apos;s</source>
        <translation>与非所有者的密钥共享(&amp;H)</translation>
    </message>
    <message>
        <source>A subscription is personal. Sharing it with other people&apos;s keys may break the provider&apos;s terms and can get the subscription suspended.</source>
        <translation>订阅归个人所有。将其共享给他人的密钥可能违反服务商的条款，并可能导致订阅被停用。</translation>
    </message>
</context>
<context>
    <name>rd::ui::ChatGPTSignInWizard</name>
    <message>
        <source>Sign in a ChatGPT subscription (Codex)</source>
        <translation>登录 ChatGPT 订阅 (Codex)</translation>
    </message>
    <message>
        <source>e.g. my plus</source>
        <translation>例如 我的 plus</translation>
    </message>
    <message>
        <source>Lower numbers are used first.</source>
        <translation>数字越小越优先使用。</translation>
    </message>
    <message>
        <source>optional: socks5://user@host:1080 or http://host:3128</source>
        <translation>可选：socks5://user@host:1080 或 http://host:3128</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Priority:</source>
        <translation>优先级(&amp;P)：</translation>
    </message>
    <message>
        <source>Pro&amp;xy URL:</source>
        <translation>代理 URL(&amp;X)：</translation>
    </message>
    <message>
        <source>Proxy pass&amp;word:</source>
        <translation>代理密码(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Open the sign-in page</source>
        <translation>打开登录页面(&amp;O)</translation>
    </message>
    <message>
        <source>the sign-in address appears here</source>
        <translation>登录地址将显示在此处</translation>
    </message>
    <message>
        <source>If the browser does not come back by itself, paste the &amp;address it ended on (or the code) here:</source>
        <translation>如果浏览器没有自动返回，请将其最终停留的地址(或授权码)粘贴到此处(&amp;A)：</translation>
    </message>
    <message>
        <source>A subscription is personal: only keys created as the owner&apos;s keys use it. Sharing it with other keys is a separate, explicit step (the provider&apos;s terms may forbid sharing a subscription).</source>
        <translation>订阅为个人所有：只有作为所有者密钥创建的密钥才会使用它。与其他密钥共享需要另行明确操作（服务商条款可能禁止共享订阅）。</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Account credentials are locked (the data key is not available), so no account can be added.</source>
        <translation>账户凭据已锁定（数据密钥不可用），无法添加账户。</translation>
    </message>
    <message>
        <source>Enter a name for the account.</source>
        <translation>请输入账户名称。</translation>
    </message>
    <message>
        <source>Proxy URL: %1</source>
        <translation>代理 URL：%1</translation>
    </message>
    <message>
        <source>A proxy password needs a proxy URL with a user name (user@host).</source>
        <translation>设置代理密码需要代理 URL 中带有用户名（user@host）。</translation>
    </message>
    <message>
        <source>The sign-in page is open in your browser. Sign in to ChatGPT there.</source>
        <translation>登录页面已在浏览器中打开。请在其中登录 ChatGPT。</translation>
    </message>
    <message>
        <source>No browser could be opened: copy the address above into a browser and sign in to ChatGPT.</source>
        <translation>无法打开浏览器：请将上面的地址复制到浏览器中并登录 ChatGPT。</translation>
    </message>
    <message>
        <source>Waiting for the browser on %1: the sign-in finishes by itself.</source>
        <translation>正在 %1 等待浏览器返回：登录将自动完成。</translation>
    </message>
    <message>
        <source>RelayDesk cannot wait for the browser (%1). After signing in, the browser shows an error page: copy its address and paste it below.</source>
        <translation>RelayDesk 无法等待浏览器返回（%1）。登录后浏览器会显示错误页面：请复制其地址并粘贴到下方。</translation>
    </message>
    <message>
        <source>The browser came back.</source>
        <translation>浏览器已返回。</translation>
    </message>
    <message>
        <source>Open the sign-in page and sign in to ChatGPT.</source>
        <translation>请打开登录页面并登录 ChatGPT。</translation>
    </message>
    <message>
        <source>Paste the address the browser ended on.</source>
        <translation>请粘贴浏览器最终停留的地址。</translation>
    </message>
    <message>
        <source>That is not a usable code: %1</source>
        <translation>授权码不可用：%1</translation>
    </message>
    <message>
        <source>Signing in: exchanging the code for tokens…</source>
        <translation>正在登录：使用授权码换取令牌…</translation>
    </message>
    <message>
        <source>Sign-in failed: %1</source>
        <translation>登录失败：%1</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Signed in to ChatGPT (plan: %1).</source>
        <translation>已登录 ChatGPT（套餐：%1）。</translation>
    </message>
    <message>
        <source>Signed in to ChatGPT as %1 (plan: %2).</source>
        <translation>已以 %1 身份登录 ChatGPT（套餐：%2）。</translation>
    </message>
    <message>
        <source>The account cannot be built: %1</source>
        <translation>无法创建账户：%1</translation>
    </message>
    <message>
        <source>Saving the account…</source>
        <translation>正在保存账户…</translation>
    </message>
</context>
<context>
    <name>rd::ui::ClaudeSignInWizard</name>
    <message>
        <source>Sign in a Claude subscription</source>
        <translation>登录 Claude 订阅</translation>
    </message>
    <message>
        <source>e.g. my max</source>
        <translation>例如：我的 Max</translation>
    </message>
    <message>
        <source>Sign in with the browser</source>
        <translation>通过浏览器登录</translation>
    </message>
    <message>
        <source>Long-lived token (one year, sign in with the browser)</source>
        <translation>长期令牌（有效期一年，通过浏览器登录）</translation>
    </message>
    <message>
        <source>Paste a token from `claude setup-token`</source>
        <translation>粘贴 `claude setup-token` 生成的令牌</translation>
    </message>
    <message>
        <source>Lower numbers are used first.</source>
        <translation>数字越小越优先使用。</translation>
    </message>
    <message>
        <source>optional: socks5://user@host:1080 or http://host:3128</source>
        <translation>可选：socks5://user@host:1080 或 http://host:3128</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;How:</source>
        <translation>方式(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Priority:</source>
        <translation>优先级(&amp;P)：</translation>
    </message>
    <message>
        <source>Pro&amp;xy URL:</source>
        <translation>代理 URL(&amp;X)：</translation>
    </message>
    <message>
        <source>Proxy pass&amp;word:</source>
        <translation>代理密码(&amp;W)：</translation>
    </message>
    <message>
        <source>&amp;Open the sign-in page</source>
        <translation>打开登录页面(&amp;O)</translation>
    </message>
    <message>
        <source>the sign-in address appears here</source>
        <translation>登录地址将显示在此处</translation>
    </message>
    <message>
        <source>A subscription is personal: only keys created as the owner&apos;s keys use it. Sharing it with other keys is a separate, explicit step (the provider&apos;s terms may forbid sharing a subscription).</source>
        <translation>订阅为个人所有：只有作为所有者密钥创建的密钥才会使用它。与其他密钥共享需要另行明确操作（服务商条款可能禁止共享订阅）。</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <source>Then paste the &amp;code the page shows (or the whole address it ends on):</source>
        <translation>然后粘贴页面显示的授权码(&amp;C)（或最终跳转到的完整地址）：</translation>
    </message>
    <message>
        <source>Paste the &amp;token printed by `claude setup-token` (sk-ant-oat01-…):</source>
        <translation>粘贴 `claude setup-token` 输出的令牌(&amp;T)（sk-ant-oat01-…）：</translation>
    </message>
    <message>
        <source>Account credentials are locked (the data key is not available), so no account can be added.</source>
        <translation>账户凭据已锁定（数据密钥不可用），无法添加账户。</translation>
    </message>
    <message>
        <source>Enter a name for the account.</source>
        <translation>请输入账户名称。</translation>
    </message>
    <message>
        <source>Proxy URL: %1</source>
        <translation>代理 URL：%1</translation>
    </message>
    <message>
        <source>A proxy password needs a proxy URL with a user name (user@host).</source>
        <translation>设置代理密码需要代理 URL 中带有用户名（user@host）。</translation>
    </message>
    <message>
        <source>The sign-in page is open in your browser. Sign in, then copy the code it shows.</source>
        <translation>已在浏览器中打开登录页面。请登录，然后复制页面显示的授权码。</translation>
    </message>
    <message>
        <source>No browser could be opened: copy the address above into a browser, sign in, then copy the code.</source>
        <translation>无法打开浏览器：请将上面的地址复制到浏览器中，登录后复制授权码。</translation>
    </message>
    <message>
        <source>Open the sign-in page and sign in to Claude.</source>
        <translation>请打开登录页面并登录 Claude。</translation>
    </message>
    <message>
        <source>Paste the token.</source>
        <translation>请粘贴令牌。</translation>
    </message>
    <message>
        <source>Paste the code the page shows.</source>
        <translation>请粘贴页面显示的授权码。</translation>
    </message>
    <message>
        <source>Not a usable token: %1</source>
        <translation>令牌不可用：%1</translation>
    </message>
    <message>
        <source>That is not a usable code: %1</source>
        <translation>授权码不可用：%1</translation>
    </message>
    <message>
        <source>Signing in: exchanging the code for tokens…</source>
        <translation>正在登录：使用授权码换取令牌…</translation>
    </message>
    <message>
        <source>Sign-in failed: %1</source>
        <translation>登录失败：%1</translation>
    </message>
    <message>
        <source>The tokens cannot be sealed: %1</source>
        <translation>无法加密令牌：%1</translation>
    </message>
    <message>
        <source>Signed in; saving the account…</source>
        <translation>已登录，正在保存账户…</translation>
    </message>
    <message>
        <source>Signed in as %1; saving the account…</source>
        <translation>已以 %1 身份登录，正在保存账户…</translation>
    </message>
</context>
<context>
    <name>rd::ui::DashboardPage</name>
    <message>
        <source>5-hour window</source>
        <translation>5 小时窗口</translation>
    </message>
    <message>
        <source>Weekly window</source>
        <translation>每周窗口</translation>
    </message>
    <message>
        <source>Weekly window (Opus)</source>
        <translation>每周窗口（Opus）</translation>
    </message>
    <message>
        <source>Weekly window (Sonnet)</source>
        <translation>每周窗口（Sonnet）</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Resets %1</source>
        <translation>重置于 %1</translation>
    </message>
    <message>
        <source>Reset time not reported yet</source>
        <translation>尚未报告重置时间</translation>
    </message>
    <message>
        <source>resets %1</source>
        <translation>%1 重置</translation>
    </message>
    <message>
        <source>The relay is not running.</source>
        <translation>中转未运行。</translation>
    </message>
    <message>
        <source>Relay:</source>
        <translation>中转：</translation>
    </message>
    <message>
        <source>Today:</source>
        <translation>今日：</translation>
    </message>
    <message>
        <source>Requests per minute</source>
        <translation>每分钟请求数</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求数</translation>
    </message>
    <message>
        <source>Tokens per minute</source>
        <translation>每分钟 Token 数</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <source>Cost per minute (USD)</source>
        <translation>每分钟费用（USD）</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Latency (ms)</source>
        <translation>延迟（毫秒）</translation>
    </message>
    <message>
        <source>p50</source>
        <translation>p50</translation>
    </message>
    <message>
        <source>p99</source>
        <translation>p99</translation>
    </message>
    <message>
        <source>Account load</source>
        <translation>账户负载</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>In flight</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Subscription windows</source>
        <translation>订阅用量窗口</translation>
    </message>
    <message>
        <source>No subscription account has reported its usage windows yet.</source>
        <translation>尚无订阅账户报告其用量窗口。</translation>
    </message>
    <message>
        <source>not listening</source>
        <translation>未监听</translation>
    </message>
    <message>
        <source>%1 on http://%2:%3/api — %4 in flight</source>
        <translation>%1，地址 http://%2:%3/api — %4 个进行中</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>listening</source>
        <translation>监听中</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 (no limit)</source>
        <translation>%1（无限制）</translation>
    </message>
    <message>
        <source>unavailable (the store did not answer)</source>
        <translation>不可用（数据存储无响应）</translation>
    </message>
    <message>
        <source>%1 requests · %2 tokens · $%3</source>
        <translation>%1 次请求 · %2 Token · $%3</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>仪表盘</translation>
    </message>
</context>
<context>
    <name>rd::ui::KeyDialog</name>
    <message>
        <source>Create key</source>
        <translation>创建密钥</translation>
    </message>
    <message>
        <source>Edit key “%1”</source>
        <translation>编辑密钥“%1”</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>e.g. laptop</source>
        <translation>例如：笔记本电脑</translation>
    </message>
    <message>
        <source>comma-separated</source>
        <translation>以逗号分隔</translation>
    </message>
    <message>
        <source>who the key was handed to</source>
        <translation>密钥交付给谁</translation>
    </message>
    <message>
        <source>The owner&apos;s own key (may use personal subscriptions)</source>
        <translation>所有者本人的密钥（可使用个人订阅）</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>名称(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>描述(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Tags:</source>
        <translation>标签(&amp;T)：</translation>
    </message>
    <message>
        <source>Handed &amp;to:</source>
        <translation>交付对象(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Expires after</source>
        <translation>过期时间(&amp;E)</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source> days after the first use</source>
        <translation> 天（自首次使用起）</translation>
    </message>
    <message>
        <source>Or expire:</source>
        <translation>或按天数过期：</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>访问权限</translation>
    </message>
    <message>
        <source>Shared pool</source>
        <translation>共享池</translation>
    </message>
    <message>
        <source>&amp;Binding (Claude):</source>
        <translation>绑定(&amp;B)（Claude）：</translation>
    </message>
    <message>
        <source>Services (none = all):</source>
        <translation>服务（不选 = 全部）：</translation>
    </message>
    <message>
        <source>Clients (none = any):</source>
        <translation>客户端（不选 = 任意）：</translation>
    </message>
    <message>
        <source>every model</source>
        <translation>所有模型</translation>
    </message>
    <message>
        <source>e.g. claude=1.2,gemini=0.5 (default 1.0)</source>
        <translation>例如 claude=1.2,gemini=0.5（默认 1.0）</translation>
    </message>
    <message>
        <source>&amp;Allowed models:</source>
        <translation>允许的模型(&amp;A)：</translation>
    </message>
    <message>
        <source>De&amp;nied models:</source>
        <translation>禁止的模型(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Rate multipliers:</source>
        <translation>费用倍率(&amp;R)：</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>无限制</translation>
    </message>
    <message>
        <source>Limits (empty or 0 = none)</source>
        <translation>限额（留空或 0 = 不限）</translation>
    </message>
    <message>
        <source>&amp;Concurrent requests:</source>
        <translation>并发请求数(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Queue (waiting requests):</source>
        <translation>队列（等待中的请求）(&amp;Q)：</translation>
    </message>
    <message>
        <source>Queue timeout (s):</source>
        <translation>排队超时（秒）：</translation>
    </message>
    <message>
        <source>&amp;Window (minutes):</source>
        <translation>时间窗口（分钟）(&amp;W)：</translation>
    </message>
    <message>
        <source>Requests per window:</source>
        <translation>每窗口请求数：</translation>
    </message>
    <message>
        <source>Tokens per window:</source>
        <translation>每窗口 Token 数：</translation>
    </message>
    <message>
        <source>Cost per window (USD):</source>
        <translation>每窗口费用（USD）：</translation>
    </message>
    <message>
        <source>&amp;Daily cost (USD):</source>
        <translation>每日费用（USD）(&amp;D)：</translation>
    </message>
    <message>
        <source>W&amp;eekly cost (USD):</source>
        <translation>每周费用（USD）(&amp;E)：</translation>
    </message>
    <message>
        <source>T&amp;otal cost (USD):</source>
        <translation>总费用（USD）(&amp;O)：</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Weekly &amp;family:</source>
        <translation>每周限额模型系列(&amp;F)：</translation>
    </message>
    <message>
        <source>Weekly family cost (USD):</source>
        <translation>每周模型系列费用（USD）：</translation>
    </message>
    <message>
        <source>Enter a name for the key.</source>
        <translation>请输入密钥名称。</translation>
    </message>
    <message>
        <source>Binding: use account:&lt;id&gt; or group:&lt;name&gt; (%1)</source>
        <translation>绑定：请使用 account:&lt;id&gt; 或 group:&lt;name&gt;（%1）</translation>
    </message>
    <message>
        <source>Rate multipliers: %1</source>
        <translation>费用倍率：%1</translation>
    </message>
    <message>
        <source>Choose an expiry date or days after the first use, not both.</source>
        <translation>请选择过期日期或首次使用后的天数，不能同时设置。</translation>
    </message>
    <message>
        <source>Limits: “%1” is not a number ≥ 0.</source>
        <translation>限额：“%1”不是 ≥ 0 的数字。</translation>
    </message>
    <message>
        <source>Limits: %1</source>
        <translation>限额：%1</translation>
    </message>
</context>
<context>
    <name>rd::ui::KeysModel</name>
    <message>
        <source>invalid: %1</source>
        <translation>无效：%1</translation>
    </message>
    <message>
        <source>%1 concurrent (+%2 queued)</source>
        <translation>%1 并发（+%2 排队）</translation>
    </message>
    <message>
        <source>%1 concurrent</source>
        <translation>%1 并发</translation>
    </message>
    <message>
        <source>%1 requests</source>
        <translation>%1 次请求</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 Token</translation>
    </message>
    <message>
        <source>%1 / %2 min</source>
        <translation>%1 / %2 分钟</translation>
    </message>
    <message>
        <source>%1/day</source>
        <translation>%1/天</translation>
    </message>
    <message>
        <source>%1/week</source>
        <translation>%1/周</translation>
    </message>
    <message>
        <source>%1 total</source>
        <translation>共 %1</translation>
    </message>
    <message>
        <source>%1 %2/week</source>
        <translation>%1 %2/周</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>shared pool</source>
        <translation>共享池</translation>
    </message>
    <message>
        <source>account %1</source>
        <translation>账户 %1</translation>
    </message>
    <message>
        <source>group %1</source>
        <translation>分组 %1</translation>
    </message>
    <message numerus="yes">
        <source>%n day(s) after the first use</source>
        <translation>
            <numerusform>首次使用后 %n 天</numerusform>
        </translation>
    </message>
    <message>
        <source>never</source>
        <translation>永不</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>, owner</source>
        <translation>，所有者</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>已启用</translation>
    </message>
    <message>
        <source>Binding</source>
        <translation>绑定</translation>
    </message>
    <message>
        <source>Limits</source>
        <translation>限额</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>过期时间</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求数</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
</context>
<context>
    <name>rd::ui::KeysPage</name>
    <message>
        <source>&amp;Create key…</source>
        <translation>创建密钥(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>The store cannot be opened.</source>
        <translation>无法打开数据存储。</translation>
    </message>
    <message>
        <source>Cannot read the keys: %1</source>
        <translation>无法读取密钥：%1</translation>
    </message>
    <message>
        <source>Account: %1</source>
        <translation>账户：%1</translation>
    </message>
    <message>
        <source>Group: %1</source>
        <translation>分组：%1</translation>
    </message>
    <message>
        <source>RelayDesk</source>
        <translation>RelayDesk</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>Not created: %1</source>
        <translation>未创建：%1</translation>
    </message>
    <message>
        <source>Delete the key “%1”? Clients using it stop working at once.</source>
        <translation>删除密钥“%1”？使用该密钥的客户端将立即无法工作。</translation>
    </message>
    <message>
        <source>Not deleted: %1</source>
        <translation>未删除：%1</translation>
    </message>
    <message>
        <source>Not changed: %1</source>
        <translation>未更改：%1</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>密钥</translation>
    </message>
</context>
<context>
    <name>rd::ui::LogsPage</name>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>%1 / %2 ms</source>
        <translation>%1 / %2 毫秒</translation>
    </message>
    <message>
        <source>Live log</source>
        <translation>实时日志</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>Lowest level shown</source>
        <translation>显示的最低级别</translation>
    </message>
    <message>
        <source>Debug and above</source>
        <translation>调试及以上</translation>
    </message>
    <message>
        <source>Info and above</source>
        <translation>信息及以上</translation>
    </message>
    <message>
        <source>Warnings and above</source>
        <translation>警告及以上</translation>
    </message>
    <message>
        <source>Critical only</source>
        <translation>仅严重</translation>
    </message>
    <message>
        <source>Search category and message</source>
        <translation>搜索类别和消息</translation>
    </message>
    <message>
        <source>Search the live log</source>
        <translation>搜索实时日志</translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation>级别(&amp;L)：</translation>
    </message>
    <message>
        <source>Request log</source>
        <translation>请求日志</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Latency (total / first byte)</source>
        <translation>延迟（总计 / 首字节）</translation>
    </message>
    <message>
        <source>Aborted</source>
        <translation>已中止</translation>
    </message>
    <message>
        <source>Request details</source>
        <translation>请求详情</translation>
    </message>
    <message>
        <source>Select a request to see its details.</source>
        <translation>选择一个请求以查看详情。</translation>
    </message>
    <message>
        <source>The store cannot be opened.</source>
        <translation>无法打开数据存储。</translation>
    </message>
    <message>
        <source>The request log could not be read: %1</source>
        <translation>无法读取请求日志：%1</translation>
    </message>
    <message>
        <source>input %1 · output %2 · cache read %3</source>
        <translation>输入 %1 · 输出 %2 · 缓存读取 %3</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Request id: %1</source>
        <translation>请求 ID：%1</translation>
    </message>
    <message>
        <source>Time: %1</source>
        <translation>时间：%1</translation>
    </message>
    <message>
        <source>Key: %1</source>
        <translation>密钥：%1</translation>
    </message>
    <message>
        <source>Account: %1</source>
        <translation>账户：%1</translation>
    </message>
    <message>
        <source>Model: %1</source>
        <translation>模型：%1</translation>
    </message>
    <message>
        <source>Route: %1</source>
        <translation>路由：%1</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>状态：%1</translation>
    </message>
    <message>
        <source>Streamed: %1</source>
        <translation>流式传输：%1</translation>
    </message>
    <message>
        <source>Aborted: %1</source>
        <translation>已中止：%1</translation>
    </message>
    <message>
        <source>Usage reported: %1</source>
        <translation>已报告用量：%1</translation>
    </message>
    <message>
        <source>Input tokens: %1</source>
        <translation>输入 Token：%1</translation>
    </message>
    <message>
        <source>Output tokens: %1</source>
        <translation>输出 Token：%1</translation>
    </message>
    <message>
        <source>Cache write 5m tokens: %1</source>
        <translation>缓存写入（5 分钟）Token：%1</translation>
    </message>
    <message>
        <source>Cache write 1h tokens: %1</source>
        <translation>缓存写入（1 小时）Token：%1</translation>
    </message>
    <message>
        <source>Cache read tokens: %1</source>
        <translation>缓存读取 Token：%1</translation>
    </message>
    <message>
        <source>Total latency: %1 ms</source>
        <translation>总延迟：%1 毫秒</translation>
    </message>
    <message>
        <source>First byte: %1</source>
        <translation>首字节：%1</translation>
    </message>
    <message>
        <source>none reached the client</source>
        <translation>未到达客户端</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 毫秒</translation>
    </message>
    <message>
        <source>Cost: %1</source>
        <translation>费用：%1</translation>
    </message>
    <message>
        <source>Cost estimated (model not in the price table): %1</source>
        <translation>估算费用（模型不在价格表中）：%1</translation>
    </message>
    <message>
        <source>Rated cost (counts towards limits): %1</source>
        <translation>折算费用（计入限额）：%1</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>日志</translation>
    </message>
</context>
<context>
    <name>rd::ui::MainWindow</name>
    <message>
        <source>RelayDesk</source>
        <translation>RelayDesk</translation>
    </message>
    <message>
        <source>starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Relay:</source>
        <translation>中转：</translation>
    </message>
    <message>
        <source>Configured:</source>
        <translation>已配置：</translation>
    </message>
    <message>
        <source>Traffic:</source>
        <translation>流量：</translation>
    </message>
    <message>
        <source>Data folder:</source>
        <translation>数据文件夹：</translation>
    </message>
    <message>
        <source>Account credentials are protected by a key that is NOT in the system keychain: %1</source>
        <translation>账户凭据的保护密钥不在系统钥匙串中：%1</translation>
    </message>
    <message>
        <source>not running: %1</source>
        <translation>未运行：%1</translation>
    </message>
    <message>
        <source>%1 on http://%2:%3/api</source>
        <translation>%1，地址 http://%2:%3/api</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>listening</source>
        <translation>监听中</translation>
    </message>
    <message>
        <source>%1 keys, %2 accounts%3</source>
        <translation>%1 个密钥，%2 个账户%3</translation>
    </message>
    <message>
        <source> — the store is unusable</source>
        <translation> — 数据存储不可用</translation>
    </message>
    <message>
        <source>%1 requests recorded, %2 in flight, %3 connections</source>
        <translation>已记录 %1 次请求，%2 个进行中，%3 个连接</translation>
    </message>
</context>
<context>
    <name>rd::ui::NewKeyDialog</name>
    <message>
        <source>New key “%1”</source>
        <translation>新密钥“%1”</translation>
    </message>
    <message>
        <source>Copy the key now: RelayDesk keeps only its hash, so it cannot be shown again.</source>
        <translation>请立即复制密钥：RelayDesk 只保存其哈希值，之后无法再次显示。</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Client configuration:</source>
        <translation>客户端配置：</translation>
    </message>
    <message>
        <source>Copy &amp;snippet</source>
        <translation>复制代码片段(&amp;S)</translation>
    </message>
</context>
<context>
    <name>rd::ui::SettingsPage</name>
    <message>
        <source>Relay</source>
        <translation>中转</translation>
    </message>
    <message>
        <source>Warning: beyond loopback, other computers on the network can reach the relay. Every request still needs a RelayDesk key, but traffic is not encrypted.</source>
        <translation>警告：监听回环地址以外的地址时，网络中的其他计算机可以访问中转。每个请求仍需 RelayDesk 密钥，但流量未加密。</translation>
    </message>
    <message>
        <source>Listen &amp;address:</source>
        <translation>监听地址(&amp;A)：</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>端口(&amp;P)：</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>&amp;Open folder</source>
        <translation>打开文件夹(&amp;O)</translation>
    </message>
    <message>
        <source>Prices</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>empty: the built-in table only</source>
        <translation>留空：仅使用内置价格表</translation>
    </message>
    <message>
        <source>only at start</source>
        <translation>仅在启动时</translation>
    </message>
    <message>
        <source> h</source>
        <translation> 小时</translation>
    </message>
    <message>
        <source>Multipliers applied to the cost of each service (default 1.0). Services: %1</source>
        <translation>应用于各服务费用的倍率（默认 1.0）。服务：%1</translation>
    </message>
    <message>
        <source>Price table &amp;URL:</source>
        <translation>价格表 URL(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Refresh every:</source>
        <translation>刷新间隔(&amp;R)：</translation>
    </message>
    <message>
        <source>Service &amp;rates:</source>
        <translation>服务倍率(&amp;R)：</translation>
    </message>
    <message>
        <source>Prices in use:</source>
        <translation>当前使用的价格：</translation>
    </message>
    <message>
        <source>Limits and statistics</source>
        <translation>限额与统计</translation>
    </message>
    <message>
        <source>System (%1)</source>
        <translation>系统（%1）</translation>
    </message>
    <message>
        <source> days</source>
        <translation> 天</translation>
    </message>
    <message>
        <source>&amp;Time zone:</source>
        <translation>时区(&amp;T)：</translation>
    </message>
    <message>
        <source>Weekly limits reset on &amp;day:</source>
        <translation>每周限额重置日(&amp;D)：</translation>
    </message>
    <message>
        <source>… at &amp;hour:</source>
        <translation>…重置时刻(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Keep request details for:</source>
        <translation>请求详情保留时长(&amp;K)：</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Follow system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>The language changes when RelayDesk next starts.</source>
        <translation>语言将在 RelayDesk 下次启动时更改。</translation>
    </message>
    <message>
        <source>&amp;Close to tray: closing the window keeps the relay running</source>
        <translation>关闭到托盘(&amp;C)：关闭窗口后中转继续运行</translation>
    </message>
    <message>
        <source>T&amp;heme:</source>
        <translation>主题(&amp;H)：</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>语言(&amp;L)：</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the relay settings (%1)</source>
        <translation>保存中转设置（%1）</translation>
    </message>
    <message>
        <source>RelayDesk</source>
        <translation>RelayDesk</translation>
    </message>
    <message>
        <source>The settings could not be read: %1</source>
        <translation>无法读取设置：%1</translation>
    </message>
    <message>
        <source>The relay reads the address and port when it starts: changes apply at the next start (--host and --port on the command line win).</source>
        <translation>中转在启动时读取地址和端口：更改将在下次启动时生效（命令行中的 --host 和 --port 优先）。</translation>
    </message>
    <message>
        <source>Listening now on %1:%2.</source>
        <translation>当前监听于 %1:%2。</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <source>Nothing changed.</source>
        <translation>没有任何更改。</translation>
    </message>
    <message>
        <source>Listen on %1? Other computers on the network will be able to reach the relay (each request still needs a RelayDesk key). Save this address?</source>
        <translation>监听 %1？网络中的其他计算机将能够访问中转（每个请求仍需 RelayDesk 密钥）。是否保存此地址？</translation>
    </message>
    <message>
        <source>Not saved.</source>
        <translation>未保存。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Saved. The new address and port apply when the relay next starts.</source>
        <translation>已保存。新的地址和端口将在中转下次启动时生效。</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>rd::ui::Snippets</name>
    <message>
        <source>Claude Code</source>
        <translation>Claude Code</translation>
    </message>
    <message>
        <source>Codex CLI</source>
        <translation>Codex CLI</translation>
    </message>
    <message>
        <source>Gemini CLI</source>
        <translation>Gemini CLI</translation>
    </message>
    <message>
        <source>Droid CLI</source>
        <translation>Droid CLI</translation>
    </message>
    <message>
        <source>Anthropic SDK (JS)</source>
        <translation>Anthropic SDK（JS）</translation>
    </message>
    <message>
        <source>Anthropic SDK (Python)</source>
        <translation>Anthropic SDK（Python）</translation>
    </message>
    <message>
        <source>OpenAI SDK</source>
        <translation>OpenAI SDK</translation>
    </message>
    <message>
        <source>Google GenAI SDK</source>
        <translation>Google GenAI SDK</translation>
    </message>
</context>
<context>
    <name>rd::ui::TrayIcon</name>
    <message>
        <source>RelayDesk: starting…</source>
        <translation>RelayDesk：正在启动…</translation>
    </message>
    <message>
        <source>Relay on</source>
        <translation>启用中转</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Today: —</source>
        <translation>今日：—</translation>
    </message>
    <message>
        <source>Open RelayDesk</source>
        <translation>打开 RelayDesk</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Sign-in needed</source>
        <translation>需要登录</translation>
    </message>
    <message>
        <source>Account “%1” needs you to sign in again.</source>
        <translation>账户“%1”需要重新登录。</translation>
    </message>
    <message>
        <source>Account “%1” needs you to sign in again: %2</source>
        <translation>账户“%1”需要重新登录：%2</translation>
    </message>
    <message>
        <source>Budget spent</source>
        <translation>预算已用尽</translation>
    </message>
    <message>
        <source>Budget warning</source>
        <translation>预算警告</translation>
    </message>
    <message>
        <source>Key “%1” has used $%2 of its %3 limit of $%4.</source>
        <translation>密钥“%1”已用 $%2，其%3限额为 $%4。</translation>
    </message>
    <message>
        <source>RelayDesk: not running (%1)</source>
        <translation>RelayDesk：未运行（%1）</translation>
    </message>
    <message>
        <source>Relay not listening</source>
        <translation>中转未监听</translation>
    </message>
    <message>
        <source>Relay error: the store is unusable (%1)</source>
        <translation>中转错误：数据存储不可用（%1）</translation>
    </message>
    <message>
        <source>Relay paused (%1)</source>
        <translation>中转已暂停（%1）</translation>
    </message>
    <message>
        <source>Relay running on %1</source>
        <translation>中转运行于 %1</translation>
    </message>
    <message>
        <source>RelayDesk</source>
        <translation>RelayDesk</translation>
    </message>
    <message>
        <source>No accounts</source>
        <translation>没有账户</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
    <message>
        <source>Account rate limited</source>
        <translation>账户已被限流</translation>
    </message>
    <message>
        <source>“%1” is %2</source>
        <translation>“%1”当前状态：%2</translation>
    </message>
    <message>
        <source>Account not changed</source>
        <translation>账户未更改</translation>
    </message>
    <message>
        <source>Today: %1 requests, $%2</source>
        <translation>今日：%1 次请求，$%2</translation>
    </message>
    <message>
        <source>Today: unavailable</source>
        <translation>今日：不可用</translation>
    </message>
</context>
<context>
    <name>rd::ui::UsagePage</name>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>Range</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>最近 7 天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>最近 30 天</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>最近 12 个月</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>自定义范围</translation>
    </message>
    <message>
        <source>From</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <source>To</source>
        <translation>结束日期</translation>
    </message>
    <message>
        <source>Group by</source>
        <translation>分组依据</translation>
    </message>
    <message>
        <source>No grouping</source>
        <translation>不分组</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账户</translation>
    </message>
    <message>
        <source>Metric</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Rated cost</source>
        <translation>折算费用</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求数</translation>
    </message>
    <message>
        <source>Tokens</source>
        <translation>Token 数</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Range:</source>
        <translation>范围：</translation>
    </message>
    <message>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <source>Group by:</source>
        <translation>分组依据：</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>显示：</translation>
    </message>
    <message>
        <source>Usage chart</source>
        <translation>用量图表</translation>
    </message>
    <message>
        <source>Usage per group</source>
        <translation>各分组用量</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Cache writes</source>
        <translation>缓存写入</translation>
    </message>
    <message>
        <source>Cache reads</source>
        <translation>缓存读取</translation>
    </message>
    <message>
        <source>Cost (USD)</source>
        <translation>费用（USD）</translation>
    </message>
    <message>
        <source>Rated cost (USD)</source>
        <translation>折算费用（USD）</translation>
    </message>
    <message>
        <source>The relay is not running.</source>
        <translation>中转未运行。</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>The usage could not be read: %1</source>
        <translation>无法读取用量：%1</translation>
    </message>
    <message>
        <source>No usage in this range.</source>
        <translation>此范围内没有用量。</translation>
    </message>
    <message>
        <source>%1 (USD)</source>
        <translation>%1（USD）</translation>
    </message>
    <message>
        <source>%1 per hour</source>
        <translation>每小时%1</translation>
    </message>
    <message>
        <source>%1 per day</source>
        <translation>每天%1</translation>
    </message>
    <message>
        <source>%1 per month</source>
        <translation>每月%1</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>Export usage</source>
        <translation>导出用量</translation>
    </message>
    <message>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The CSV could not be written to %1: %2</source>
        <translation>无法将 CSV 写入 %1：%2</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <source>Usage</source>
        <translation>用量</translation>
    </message>
</context>
</TS>
