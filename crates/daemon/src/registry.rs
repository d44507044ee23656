//! Every instance of every namespace, keyed by (namespace inode, translator type, name), in
//! creation order; the `instance` mode, `file handle`, and the dispatch of the other modes.
//!
//! ```text
//!   handle(ns, privileged, req) ─► privilege (EPERM) ─► instance mode / file handle ─► entries
//!                                                    └► find(ns, type, name) ─► ops::apply
//!                                                                               └► re-plumb
//!   tick() every second ─► drop instances of deleted namespaces (every 2 s) ─► Runtime::tick
//! ```

use crate::creds::EPERM_MESSAGE;
use crate::error::{OpError, EBUSY, EPERM};
use crate::instance::{lock, random_secret, Instance};
use crate::ops::{self, OpEnv};
use crate::plumbing::{Namespace, Plumbing, Runtime};
use crate::{clock, log_info, log_warn};
use jool_core::addr::rfc6052;
use jool_core::config::{validate_instance_name, Framework};
use jool_core::globals::Globals;
use jool_core::nat64::Pool4;
use jool_core::{Nat64, Nat64Config, SiitConfig};
use jool_ctl::json;
use jool_ctl::proto::{FrameworkDto, InstanceRow, Op, QueueRange, Request, Response, Xlator};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One registered instance with its namespace and datapath.
pub struct Entry<P: Plumbing> {
    /// The namespace (the daemon keeps it open).
    pub ns: Arc<P::Ns>,
    /// The instance.
    pub instance: Arc<Instance>,
    /// Its datapath.
    pub runtime: P::Runtime,
}

impl<P: Plumbing> Entry<P> {
    fn is(&self, inode: u64, xlator: Xlator, name: &str) -> bool {
        self.ns.inode() == inode && self.instance.xlator == xlator && self.instance.name == name
    }
}

/// The registry.
pub struct Registry<P: Plumbing> {
    plumbing: P,
    entries: Mutex<Vec<Arc<Entry<P>>>>,
    ticks: AtomicU64,
}

/// `This namespace lacks an instance named 'x'.` (ESRCH).
fn lacks(name: &str) -> OpError {
    OpError::srch(format!("This namespace lacks an instance named '{name}'."))
}

fn framework_dto(f: Framework) -> FrameworkDto {
    match f {
        Framework::Netfilter => FrameworkDto::Netfilter,
        Framework::Iptables => FrameworkDto::Iptables,
    }
}

/// The globals of a new instance: defaults plus `--pool6` (validated as `instance add`
/// validates it: always forced, so the u-bit check does not bite; spec §5).
fn initial_globals(xlator: Xlator, pool6: Option<&str>) -> Result<Globals, OpError> {
    let mut globals = Globals::default();
    if let Some(text) = pool6 {
        let p = ops::parse_prefix6(text)?;
        rfc6052::validate_pool6(&p, true).map_err(OpError::inval)?;
        globals.pool6 = Some(p);
    }
    if xlator == Xlator::Nat64 && globals.pool6.is_none() {
        return Err(OpError::inval("pool6 is mandatory in NAT64 instances."));
    }
    Ok(globals)
}

impl<P: Plumbing> Registry<P> {
    /// An empty registry over `plumbing`.
    pub fn new(plumbing: P) -> Self {
        Registry {
            plumbing,
            entries: Mutex::new(Vec::new()),
            ticks: AtomicU64::new(0),
        }
    }

    /// The operating-system side.
    pub fn plumbing(&self) -> &P {
        &self.plumbing
    }

    /// Number of instances.
    pub fn len(&self) -> usize {
        lock(&self.entries).len()
    }

    /// No instances at all?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every entry, in creation order.
    pub fn entries(&self) -> Vec<Arc<Entry<P>>> {
        lock(&self.entries).clone()
    }

    /// The instance `name` of type `xlator` in namespace `inode`.
    pub fn find(&self, inode: u64, xlator: Xlator, name: &str) -> Option<Arc<Entry<P>>> {
        lock(&self.entries)
            .iter()
            .find(|e| e.is(inode, xlator, name))
            .cloned()
    }

    /// Answers one request from a client in namespace `ns`.
    pub fn handle(&self, ns: P::Ns, privileged: bool, req: &Request) -> Response {
        match self.dispatch(ns, privileged, req) {
            Ok(r) => r,
            Err(e) => e.into(),
        }
    }

    fn dispatch(&self, ns: P::Ns, privileged: bool, req: &Request) -> Result<Response, OpError> {
        if !privileged && !ops::is_read_only(&req.op) {
            return Err(OpError::new(EPERM, EPERM_MESSAGE));
        }
        if req.op == Op::InstanceDisplay {
            return Ok(Response::Instances(self.display(req.xlator)));
        }
        validate_instance_name(&req.instance).map_err(OpError::inval)?;
        let (x, name) = (req.xlator, req.instance.as_str());
        match &req.op {
            Op::InstanceAdd {
                framework,
                pool6,
                queue,
            } => self.add(ns, x, name, *framework, pool6.as_deref(), *queue),
            Op::InstanceRemove => self.remove(ns.inode(), x, name),
            Op::InstanceFlush => {
                self.flush(ns.inode(), x);
                Ok(Response::Ok)
            }
            Op::InstanceStatus => Ok(Response::Status(self.find(ns.inode(), x, name).is_some())),
            Op::FileHandle { json, force } => self.file_handle(ns, x, json, *force),
            op => {
                let entry = self.find(ns.inode(), x, name).ok_or_else(|| lacks(name))?;
                let ephemeral = || self.plumbing.ephemeral_range(&entry.ns);
                let env = OpEnv {
                    now_ms: clock::now_ms(),
                    ephemeral: &ephemeral,
                };
                let out = ops::apply(&entry.instance, op, &env)?;
                if let Some(events) = &out.events {
                    entry.runtime.admin_events(events);
                }
                if out.changed {
                    entry.runtime.config_changed();
                }
                Ok(out.response)
            }
        }
    }

    /// `instance display`: every namespace, this type, creation order.
    pub fn display(&self, xlator: Xlator) -> Vec<InstanceRow> {
        lock(&self.entries)
            .iter()
            .filter(|e| e.instance.xlator == xlator)
            .map(|e| InstanceRow {
                namespace: e.ns.display_name(),
                name: e.instance.name.clone(),
                framework: e.instance.framework,
                queue: e.instance.queues,
            })
            .collect()
    }

    /// Refuses a new instance that would collide (spec §5), and picks its NFQUEUE queues:
    /// `queue` (`N` or `N:M`, none of them used by another instance of the namespace), or the
    /// first number no instance of the namespace uses.
    fn admit(
        entries: &[Arc<Entry<P>>],
        inode: u64,
        xlator: Xlator,
        name: &str,
        framework: FrameworkDto,
        queue: Option<QueueRange>,
    ) -> Result<Option<QueueRange>, OpError> {
        for e in entries.iter().filter(|e| e.ns.inode() == inode) {
            let i = &e.instance;
            if i.xlator != xlator {
                continue;
            }
            if i.name == name {
                return Err(OpError::exist(format!(
                    "This namespace already has a Jool instance named '{name}'."
                )));
            }
            if i.framework == FrameworkDto::Netfilter && framework == FrameworkDto::Netfilter {
                return Err(OpError::exist(
                    "This namespace already has a Netfilter Jool instance.",
                ));
            }
        }
        let used = || {
            entries
                .iter()
                .filter(|e| e.ns.inode() == inode)
                .filter_map(|e| e.instance.queues.map(|q| (q, e.instance.name.clone())))
        };
        match (framework, queue) {
            (FrameworkDto::Netfilter, None) => Ok(None),
            (FrameworkDto::Netfilter, Some(_)) => Err(OpError::inval(
                "--queue only applies to iptables instances.",
            )),
            (FrameworkDto::Iptables, Some(q)) => match used().find(|(u, _)| u.overlaps(&q)) {
                Some((u, other)) => {
                    let n = q.iter().find(|n| u.iter().contains(n)).unwrap_or(q.first());
                    Err(OpError::new(
                        EBUSY,
                        format!(
                            "NFQUEUE {n} is already used by instance '{other}' of this namespace."
                        ),
                    ))
                }
                None => Ok(Some(q)),
            },
            (FrameworkDto::Iptables, None) => {
                let taken: Vec<QueueRange> = used().map(|(q, _)| q).collect();
                (0..=u16::MAX)
                    .find(|n| !taken.iter().any(|t| t.iter().contains(n)))
                    .map(|n| Some(QueueRange::from(n)))
                    .ok_or_else(|| OpError::new(EBUSY, "Every NFQUEUE number is in use."))
            }
        }
    }

    /// Starts the datapath of a new instance and registers it (the caller holds the lock).
    fn insert(
        &self,
        entries: &mut Vec<Arc<Entry<P>>>,
        ns: Arc<P::Ns>,
        instance: Instance,
    ) -> Result<(), OpError> {
        let instance = Arc::new(instance);
        let runtime = self
            .plumbing
            .start(&ns, &instance)
            .map_err(|e| OpError::io("Could not create the instance's datapath", &e))?;
        log_info!(
            "Created instance '{}' ({:?}, {}).",
            instance.name,
            instance.xlator,
            ns.display_name()
        );
        entries.push(Arc::new(Entry {
            ns,
            instance,
            runtime,
        }));
        Ok(())
    }

    fn own4(&self, ns: &P::Ns) -> Vec<std::net::Ipv4Addr> {
        self.plumbing.own_addresses4(ns).unwrap_or_else(|e| {
            log_warn!("Cannot list the namespace's IPv4 addresses: {e}");
            Vec::new()
        })
    }

    /// `instance add`.
    fn add(
        &self,
        ns: P::Ns,
        xlator: Xlator,
        name: &str,
        framework: FrameworkDto,
        pool6: Option<&str>,
        queue: Option<QueueRange>,
    ) -> Result<Response, OpError> {
        let globals = initial_globals(xlator, pool6)?;
        let mut entries = lock(&self.entries);
        let queue = Self::admit(&entries, ns.inode(), xlator, name, framework, queue)?;
        let instance = match xlator {
            Xlator::Siit => Instance::new_siit(
                name,
                framework,
                queue,
                SiitConfig {
                    globals,
                    ..SiitConfig::default()
                },
            ),
            Xlator::Nat64 => {
                let own4 = self.own4(&ns);
                let mut pool4 = Pool4::new();
                pool4.set_own_addresses(own4.clone());
                let mut cfg = Nat64Config::new(globals, pool4, random_secret());
                cfg.instance = name.to_owned();
                let nat = Nat64::new(cfg).map_err(OpError::inval)?;
                Instance::new_nat64(name, framework, queue, nat, own4)
            }
        };
        self.insert(&mut entries, Arc::new(ns), instance)?;
        Ok(Response::Ok)
    }

    /// Stops an entry's datapath (outside the registry lock).
    fn teardown(entry: &Entry<P>) {
        entry.runtime.stop();
        log_info!(
            "Deleted instance '{}' ({:?}, {}).",
            entry.instance.name,
            entry.instance.xlator,
            entry.ns.display_name()
        );
    }

    /// `instance remove`.
    fn remove(&self, inode: u64, xlator: Xlator, name: &str) -> Result<Response, OpError> {
        let entry = {
            let mut entries = lock(&self.entries);
            let at = entries
                .iter()
                .position(|e| e.is(inode, xlator, name))
                .ok_or_else(|| OpError::srch("The requested instance does not exist."))?;
            entries.remove(at)
        };
        Self::teardown(&entry);
        Ok(Response::Ok)
    }

    fn remove_where(&self, pred: impl Fn(&Entry<P>) -> bool) -> usize {
        let doomed: Vec<Arc<Entry<P>>> = {
            let mut entries = lock(&self.entries);
            let (gone, kept) = entries.drain(..).partition(|e| pred(e));
            *entries = kept;
            gone
        };
        for e in &doomed {
            Self::teardown(e);
        }
        doomed.len()
    }

    /// `instance flush`: every instance of `xlator` in namespace `inode`.
    pub fn flush(&self, inode: u64, xlator: Xlator) -> usize {
        self.remove_where(|e| e.ns.inode() == inode && e.instance.xlator == xlator)
    }

    /// Removes everything (daemon shutdown).
    pub fn remove_all(&self) -> usize {
        self.remove_where(|_| true)
    }

    /// `file handle` (spec §4.2): the whole file is parsed and validated first; then the
    /// instance is created, or its configuration replaced in one swap (NAT64 keeps its
    /// BIB and sessions; the file's `bib` only applies on creation).
    fn file_handle(
        &self,
        ns: P::Ns,
        xlator: Xlator,
        text: &str,
        force: bool,
    ) -> Result<Response, OpError> {
        let file = json::parse_atomic_config(text, ops::xlator_type(xlator), force)
            .map_err(|e| OpError::inval(e.to_string()))?;
        let name = file.instance.clone();
        let framework = framework_dto(file.framework);
        let ephemeral = || self.plumbing.ephemeral_range(&ns);

        let mut entries = lock(&self.entries);
        if let Some(entry) = entries.iter().find(|e| e.is(ns.inode(), xlator, &name)) {
            let entry = Arc::clone(entry);
            drop(entries);
            if entry.instance.framework != framework {
                return Err(OpError::inval(
                    "Sorry; you can't change an instance's framework for now.",
                ));
            }
            match xlator {
                Xlator::Siit => {
                    let config = file
                        .siit_config(force)
                        .map_err(|e| OpError::inval(e.to_string()))?;
                    entry.instance.update_siit(|c| {
                        *c = config;
                        Ok(())
                    })?;
                }
                Xlator::Nat64 => ops::replace_nat64(&entry.instance, &file, &ephemeral, force)?,
            }
            entry.runtime.config_changed();
            log_info!("Replaced instance '{name}'.");
            return Ok(Response::Ok);
        }

        let queue = Self::admit(&entries, ns.inode(), xlator, &name, framework, None)?;
        let instance = match xlator {
            Xlator::Siit => {
                let config = file
                    .siit_config(force)
                    .map_err(|e| OpError::inval(e.to_string()))?;
                Instance::new_siit(&name, framework, queue, config)
            }
            Xlator::Nat64 => {
                let own4 = self.own4(&ns);
                let nat = ops::new_nat64(&name, &file, own4.clone(), &ephemeral, force)?;
                Instance::new_nat64(&name, framework, queue, nat, own4)
            }
        };
        self.insert(&mut entries, Arc::new(ns), instance)?;
        Ok(Response::Ok)
    }

    /// The periodic work, to be called every second: NAT64 timers; every other call, the
    /// removal of instances whose namespace was deleted and the plumbing re-sync.
    pub fn tick(&self, now_ms: u64) {
        let full = self.ticks.fetch_add(1, Ordering::Relaxed) & 1 == 0;
        if full {
            let mut dead = HashSet::new();
            let mut alive = HashSet::new();
            for e in self.entries() {
                let inode = e.ns.inode();
                if !alive.contains(&inode) && !dead.contains(&inode) {
                    if e.ns.is_reachable() {
                        alive.insert(inode);
                    } else {
                        dead.insert(inode);
                    }
                }
            }
            if !dead.is_empty() {
                let n = self.remove_where(|e| dead.contains(&e.ns.inode()));
                log_info!("Removed {n} instance(s) whose namespace no longer exists.");
            }
        }
        for e in self.entries() {
            e.runtime.tick(now_ms, full);
        }
    }
}

#[cfg(test)]
#[path = "registry_tests.rs"]
pub(crate) mod tests;
